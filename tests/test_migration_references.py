"""The migration fixture corpus, checked against real TensorFlow 2.21 / Keras 3.15.

fixtures/migration/*.py are legacy Keras 1/2 programs that keras-lint migrates by itself,
fixtures/migration/manual/*.py legacy programs with constructs that need a human, and
fixtures/migration/keras3/ (and keras3/manual/) their hand-migrated Keras 3 references. This file
checks that:

* every reference imports without training, and every model-building function builds with its
  default arguments, compiles (as the original did) and trains one batch to a finite loss;
* each reference keeps the shapes and settings the migration must preserve;
* the legacy originals parse, and fail or misbehave under Keras 3 the way the catalog
  (shared/reference/keras-api-catalog.md, section 5) says.

"Import-repaired" below means: the legacy file is executed statement by statement, and an
import that fails under Keras 3 is replaced by binding the same names from the Keras 3 module
that now holds them (names that no longer exist stay unbound). That is the state a user reaches
after fixing only the import lines, and it lets the model-building code show its own failures.

Most fits run eagerly: tracing these models as tf.functions takes about 140 s on 2 CPU cores,
eager execution a fraction of that. Graph mode, which the programs' main() uses, is covered by
the tests whose names end in `_graph_mode`.
"""
import ast
import functools
import importlib
import importlib.util
import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
from keras import ops  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migration"
REFERENCES = FIXTURES / "keras3"

# Model-building functions of each program; all their parameters have defaults.
BUILDERS = {
    "mnist_cnn_keras1": ["build_model"],
    "lstm_text_classifier": ["build_model"],
    "unet_seed": ["unet"],
    "vae_backend_loss": ["build_vae"],
    "gan_merge": ["build_generator", "build_discriminator", "build_gan", "build_siamese"],
    "image_pipeline": ["build_model"],
    "text_cnn_keras1": ["build_cnn", "build_rnn", "build_char_rnn"],
    "video_conv3d_keras1": ["build_c3d", "build_next_frame_model", "build_frame_classifier"],
    "tabular_tfkeras2": ["build_and_compile_model", "build_classifier"],
    "manual/highway_maxout": ["build_model"],
    "manual/keras1_initializations": ["build_model"],
    "manual/sequential_merge": ["build_model", "build_difference_model"],
    "manual/sklearn_wrapper": ["create_model"],
    "manual/vae_closure_loss": ["build_vae"],
}
# Builders that exist only in a reference (the legacy code had no counterpart function).
REFERENCE_ONLY_BUILDERS = {"image_pipeline": ["build_augmentation"]}
# The 256x256 U-Net is built with its defaults for the shape checks, but trained at 32x32
# (its input_size argument allows it): one 256x256 step takes ~20 s on 2 CPU cores.
FIT_KWARGS = {("unet_seed", "unet"): {"input_size": (32, 32, 1)}}

# Where the names of a module that Keras 3 removed now live (catalog section 2.5).
MOVED_MODULES = {
    "keras.layers.core": "keras.layers",
    "keras.layers.convolutional": "keras.layers",
    "keras.layers.convolutional_recurrent": "keras.layers",
    "keras.layers.pooling": "keras.layers",
    "keras.layers.normalization": "keras.layers",
    "keras.layers.advanced_activations": "keras.layers",
    "keras.layers.noise": "keras.layers",
    "keras.layers.wrappers": "keras.layers",
    "keras.engine.topology": "keras.layers",
    "keras.utils.np_utils": "keras.utils",
    "keras.utils.generic_utils": "keras.utils",
    "keras.utils.vis_utils": "keras.utils",
    "keras.utils.visualize_util": "keras.utils",
    "keras.objectives": "keras.losses",
    "keras.initializations": "keras.initializers",
    "tensorflow.keras.layers.experimental.preprocessing": "keras.layers",
    "tensorflow.keras.wrappers.scikit_learn": "keras.wrappers",
}


# ----------------------------------------------------------------------------------------------
# helpers


@functools.lru_cache(maxsize=None)
def load_reference(name):
    """Import fixtures/migration/keras3/<name>.py as a module (this must not start training)."""
    spec = importlib.util.spec_from_file_location(f"keras3_reference_{name.replace('/', '_')}", REFERENCES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_legacy(name, source=None):
    """Execute a legacy fixture import-repaired (see the module docstring).

    Returns (namespace, failures): failures lists (statement source, exception) for every
    top-level statement that raised under Keras 3. `source` replaces the file's text."""
    path = FIXTURES / f"{name}.py"
    source = path.read_text() if source is None else source
    namespace = {"__name__": f"legacy_{name.replace('/', '_')}", "__file__": str(path)}
    failures = []
    for stmt in ast.parse(source).body:
        code = compile(ast.Module([stmt], type_ignores=[]), str(path), "exec")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, namespace)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on by the tests
            failures.append((ast.get_source_segment(source, stmt), exc))
            if isinstance(stmt, ast.ImportFrom):
                _bind_moved_names(stmt, namespace)
    return namespace, failures


def _bind_moved_names(stmt, namespace):
    for alias in stmt.names:
        target = alias.asname or alias.name
        submodule = f"{stmt.module}.{alias.name}"
        if submodule in MOVED_MODULES:  # e.g. `from keras.utils import np_utils`
            namespace[target] = importlib.import_module(MOVED_MODULES[submodule])
            continue
        try:
            home = importlib.import_module(MOVED_MODULES.get(stmt.module, stmt.module))
        except ImportError:
            continue
        if hasattr(home, alias.name):
            namespace[target] = getattr(home, alias.name)


def failed_imports(failures):
    """{first line of the failing statement: exception type name}."""
    return {src.splitlines()[0]: type(exc).__name__ for src, exc in failures}


def function_def(source, name):
    return next(node for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name == name)


def call_in(source, function, callee, nth=0):
    """The nth call (in source order) to `callee` inside `def function`."""
    def callee_name(func):
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    calls = [node for node in ast.walk(function_def(source, function))
             if isinstance(node, ast.Call) and callee_name(node.func) == callee]
    return sorted(calls, key=lambda node: (node.lineno, node.col_offset))[nth]


def eval_call(call, namespace, **bindings):
    """Evaluate one legacy call expression, exactly as written, in a namespace."""
    expression = ast.fix_missing_locations(ast.Expression(body=call))
    return eval(compile(expression, "<legacy call>", "eval"), {**namespace, **bindings})


def rewrite_function(name, function, *transformers, namespace=None):
    """The legacy `def function`, after the given AST rewrites, defined in an import-repaired
    copy of the legacy module's namespace."""
    namespace = dict(load_legacy(name)[0] if namespace is None else namespace)
    node = function_def((FIXTURES / f"{name}.py").read_text(), function)
    for transformer in transformers:
        node = transformer.visit(node)
    module = ast.fix_missing_locations(ast.Module([node], type_ignores=[]))
    exec(compile(module, f"<rewritten {name}.{function}>", "exec"), namespace)
    return namespace[function]


class DropKeywords(ast.NodeTransformer):
    """Delete keyword arguments by name from every call: the "delete what Keras complains
    about" non-fix."""

    def __init__(self, *names):
        self.names = set(names)

    def visit_Call(self, node):
        self.generic_visit(node)
        node.keywords = [kw for kw in node.keywords if kw.arg not in self.names]
        return node


class RenameKeyword(ast.NodeTransformer):
    def __init__(self, callee, old, new):
        self.callee, self.old, self.new = callee, old, new

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) == self.callee:
            for kw in node.keywords:
                if kw.arg == self.old:
                    kw.arg = self.new
        return node


class MergeConcatToConcatenate(ast.NodeTransformer):
    """merge(xs, mode='concat', concat_axis=a) -> concatenate(xs, axis=a) (catalog 1.5)."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "merge":
            keywords = {kw.arg: kw.value for kw in node.keywords}
            assert ast.literal_eval(keywords["mode"]) == "concat"
            node.func = ast.Name("concatenate", ast.Load())
            node.keywords = [ast.keyword("axis", keywords["concat_axis"])]
        return node


class DropLegacyOptimizerNamespace(ast.NodeTransformer):
    """tf.keras.optimizers.legacy.X -> tf.keras.optimizers.X"""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Attribute) and node.value.attr == "legacy":
            node.value = node.value.value
        return node


def leading_comment(source):
    return "\n".join(itertools.takewhile(lambda line: line.startswith("#"), source.splitlines()))


def models_of(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def one_batch(model, batch_size=2, free_dim=3, seed=0):
    """Random inputs and labels shaped from model.inputs / model.outputs: integer inputs are
    zeros (a valid index for any Embedding), float inputs uniform in [0, 1); labels are one-hot
    along the last axis when it is wider than 1 (softmax / crossentropy / KL outputs), else 0/1.
    Unknown non-batch dimensions (a sequence length) get `free_dim`."""
    rng = np.random.default_rng(seed)

    def shape_of(tensor):
        return (batch_size,) + tuple(free_dim if d is None else d for d in tensor.shape[1:])

    inputs = []
    for tensor in model.inputs:
        shape = shape_of(tensor)
        if "int" in str(tensor.dtype):
            inputs.append(np.zeros(shape, dtype=str(tensor.dtype)))
        else:
            inputs.append(rng.random(shape).astype("float32"))
    labels = []
    for tensor in model.outputs:
        shape = shape_of(tensor)
        if shape[-1] > 1:
            labels.append(np.eye(shape[-1], dtype="float32")[rng.integers(0, shape[-1], shape[:-1])])
        else:
            labels.append(rng.integers(0, 2, shape).astype("float32"))
    unwrap = lambda xs: xs[0] if len(xs) == 1 else xs  # noqa: E731
    return unwrap(inputs), unwrap(labels)


def fit_one_batch(model, eager=True, **fit_kwargs):
    model.run_eagerly = eager
    x, y = one_batch(model)
    history = model.fit(x, y, batch_size=2, epochs=1, verbose=0, **fit_kwargs)
    loss = history.history["loss"][0]
    assert math.isfinite(loss), f"{model.name}: loss {loss}"
    return history


def weights_of(model):
    return [w.numpy().copy() for w in model.weights]


def changed(before, model):
    return any(not np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights))


def keras1_hard_sigmoid_values(activation):
    x = np.array([-3.0, -1.0, 0.0, 1.0, 2.0, 3.0], dtype="float32")
    return ops.convert_to_numpy(activation(x))


KERAS1_HARD_SIGMOID = np.clip(0.2 * np.array([-3.0, -1.0, 0.0, 1.0, 2.0, 3.0]) + 0.5, 0.0, 1.0)


# ----------------------------------------------------------------------------------------------
# corpus layout


LEGACY_FILES = sorted(FIXTURES.glob("*.py")) + sorted((FIXTURES / "manual").glob("*.py"))
REFERENCE_FILES = sorted(REFERENCES.glob("*.py")) + sorted((REFERENCES / "manual").glob("*.py"))


def key_of(path):
    """`gan_merge` for fixtures/migration/gan_merge.py and keras3/gan_merge.py; `manual/x` for
    the manual/ programs and their references."""
    root = REFERENCES if REFERENCES in path.parents else FIXTURES
    return path.relative_to(root).with_suffix("").as_posix()


@pytest.mark.tf
def test_corpus_is_complete():
    legacy = {key_of(p) for p in LEGACY_FILES}
    references = {key_of(p) for p in REFERENCE_FILES}
    assert legacy == references == set(BUILDERS)


@pytest.mark.tf
@pytest.mark.parametrize("path", LEGACY_FILES + REFERENCE_FILES,
                         ids=lambda p: p.relative_to(FIXTURES.parent).as_posix())
def test_fixture_parses_and_is_structured(path):
    source = path.read_text()
    tree = ast.parse(source)
    # a leading comment block; for legacy files it lists the APIs with catalog sections
    header = leading_comment(source)
    assert len(header.splitlines()) >= 5
    is_reference = REFERENCES in path.parents
    if not is_reference:
        assert header.count("§") >= 5
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "main" in functions
    guard = tree.body[-1]
    assert isinstance(guard, ast.If) and ast.unparse(guard.test) == "__name__ == '__main__'"
    # nothing at module level trains, loads data or saves
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.If)):
            continue
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            assert getattr(call.func, "attr", None) not in {
                "fit", "fit_generator", "train_on_batch", "load_data", "save", "save_weights"}
    # every builder has defaults for all its parameters
    names = BUILDERS[key_of(path)] + (REFERENCE_ONLY_BUILDERS.get(key_of(path), [])
                                      if is_reference else [])
    for name in names:
        args = functions[name].args
        assert len(args.defaults) == len(args.args), f"{name} has parameters without defaults"
    # and nothing that looks like a builder is missing from BUILDERS
    assert {n for n in functions if n.startswith("build")} <= set(names)


# ----------------------------------------------------------------------------------------------
# references: build with defaults, compile, train one batch


BUILDER_CASES = [(name, builder) for name, builders in BUILDERS.items() for builder in
                 builders + REFERENCE_ONLY_BUILDERS.get(name, [])]


@pytest.mark.tf
@pytest.mark.parametrize("name,builder", BUILDER_CASES, ids=[f"{n}.{b}" for n, b in BUILDER_CASES])
def test_reference_builds_and_trains_one_batch(name, builder):
    build = getattr(load_reference(name), builder)
    models = models_of(build())
    for model in models:
        assert isinstance(model, keras.Model)
        assert model.built and model.outputs, f"{builder}: {model.name} is not built"
    if (name, builder) in FIT_KWARGS:
        models = models_of(build(**FIT_KWARGS[(name, builder)]))
    compiled = [m for m in models if getattr(m, "compiled", False)]
    if builder != "build_augmentation" and not (name, builder) == ("gan_merge", "build_generator"):
        assert compiled, f"{builder} should return a compiled model, as the original did"
    for model in compiled:
        fit_one_batch(model)


# ----------------------------------------------------------------------------------------------
# mnist_cnn_keras1


@pytest.mark.tf
def test_mnist_reference_keeps_keras1_kernels_and_schedule():
    model = load_reference("mnist_cnn_keras1").build_model()
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.kernel_size for c in convs] == [(3, 3), (3, 3)]
    assert [c.strides for c in convs] == [(1, 1), (1, 1)]
    assert [tuple(c.output.shape) for c in convs] == [(None, 26, 26, 32), (None, 24, 24, 32)]
    assert model.output_shape == (None, 10)
    dense = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dense))
    assert isinstance(dense.kernel_regularizer, keras.regularizers.L2)
    assert dense.kernel_regularizer.l2 == pytest.approx(0.01)
    assert isinstance(dense.kernel_initializer, keras.initializers.HeNormal)
    # Keras 1 SGD(lr=0.01, decay=1e-6): lr / (1 + decay * iterations)
    schedule = keras.optimizers.schedules.deserialize(model.optimizer.get_config()["learning_rate"])
    assert isinstance(schedule, keras.optimizers.schedules.InverseTimeDecay)
    assert float(schedule(0)) == pytest.approx(0.01)
    assert float(schedule(1_000_000)) == pytest.approx(0.005)
    assert model.optimizer.momentum == pytest.approx(0.9) and model.optimizer.nesterov


@pytest.mark.tf
def test_mnist_legacy_fails_then_silently_strides_when_keywords_are_deleted():
    ns, failures = load_legacy("mnist_cnn_keras1")
    assert failed_imports(failures) == {
        "from keras.layers.core import Dense, Dropout, Activation, Flatten": "ModuleNotFoundError",
        "from keras.layers.convolutional import Convolution2D, MaxPooling2D": "ModuleNotFoundError",
        "from keras.utils import np_utils": "ImportError",
    }
    assert "No module named 'keras.layers.core'" in str(failures[0][1])
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Conv2D: "
                                         r"\{'border_mode': 'valid'\}"):
        ns["build_model"]()
    # Deleting every keyword Keras 3 rejects makes it build and train *silently* wrong:
    # Convolution2D(32, 3, 3) is now kernel_size=3, strides=3 (catalog 1.3 / 5).
    build = rewrite_function("mnist_cnn_keras1", "build_model",
                             DropKeywords("border_mode", "init", "W_regularizer", "lr", "decay"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build()
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.strides for c in convs] == [(3, 3), (3, 3)]
    assert [tuple(c.output.shape) for c in convs] == [(None, 9, 9, 32), (None, 3, 3, 32)]
    assert model.get_layer(index=4).output.shape == (None, 1, 1, 32)  # after MaxPooling2D
    reference = load_reference("mnist_cnn_keras1").build_model()
    assert model.count_params() != reference.count_params()
    assert not hasattr(model, "predict_classes")


# ----------------------------------------------------------------------------------------------
# lstm_text_classifier


@pytest.mark.tf
def test_lstm_reference_keeps_keras1_recurrent_semantics():
    model = load_reference("lstm_text_classifier").build_model()
    lstm = next(layer for layer in model.layers if isinstance(layer, keras.layers.LSTM))
    assert (lstm.cell.dropout, lstm.cell.recurrent_dropout) == (0.2, 0.2)
    np.testing.assert_allclose(keras1_hard_sigmoid_values(lstm.cell.recurrent_activation),
                               KERAS1_HARD_SIGMOID, rtol=1e-6)
    # ...which the Keras 3 string 'hard_sigmoid' is not (x/6 + 0.5): a rename would be wrong
    assert not np.allclose(keras1_hard_sigmoid_values(keras.activations.hard_sigmoid),
                           KERAS1_HARD_SIGMOID)
    assert model.input_shape == (None, 80) and model.output_shape == (None, 1)


@pytest.mark.tf
def test_lstm_reference_callbacks_monitor_logged_metrics(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reference = load_reference("lstm_text_classifier")
    model = reference.build_model()
    callbacks = reference.get_callbacks()
    x, y = one_batch(model)
    model.run_eagerly = True
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=callbacks)
    for callback in callbacks:
        assert callback.monitor in history.history
    assert (tmp_path / "best.keras").exists()
    model.save_weights("weights.weights.h5")

    ns, failures = load_legacy("lstm_text_classifier")
    assert failures == []  # every import of this Keras 1 program still works in Keras 3...
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Embedding: "
                                         r"\{'dropout': 0.2\}"):
        ns["build_model"]()
    with pytest.raises(ValueError, match=r"filepath provided must end in `\.keras`"):
        ns["get_callbacks"]()
    # monitor='val_acc' with metrics=['accuracy'] fails at the end of the first epoch
    early_stopping = eval_call(call_in((FIXTURES / "lstm_text_classifier.py").read_text(),
                                       "get_callbacks", "EarlyStopping"), ns, patience=3)
    with pytest.raises(ValueError, match="isn't able to automatically determine whether that "
                                         "metric should be maximized or minimized"):
        model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[early_stopping])
    with pytest.raises(ValueError, match=r"The filename must end in `\.weights\.h5`"):
        model.save_weights("weights.h5")


# ----------------------------------------------------------------------------------------------
# unet_seed


@pytest.mark.tf
def test_unet_reference_output_shape_and_skips():
    model = load_reference("unet_seed").unet()
    assert model.input_shape == (None, 256, 256, 1)
    assert model.output_shape == (None, 256, 256, 1)
    concats = [layer for layer in model.layers if isinstance(layer, keras.layers.Concatenate)]
    assert [c.axis for c in concats] == [3, 3, 3, 3]
    assert [tuple(c.output.shape) for c in concats] == [
        (None, 32, 32, 1024), (None, 64, 64, 512), (None, 128, 128, 256), (None, 256, 256, 128)]
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-4)


@pytest.mark.tf
def test_unet_legacy_fails_and_reference_is_exactly_three_rewrites():
    ns, failures = load_legacy("unet_seed")
    assert failures == []  # the star imports all succeed in Keras 3; `merge` is just missing
    with pytest.raises(NameError, match="name 'merge' is not defined"):
        ns["unet"]()

    source = (FIXTURES / "unet_seed.py").read_text()
    tiny = keras.Input((4, 4, 2))
    # the obvious rename keeps concat_axis, which Keras 3 rejects
    naive = ast.parse("concatenate([drop4, up6], mode='concat', concat_axis=3)", mode="eval")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Concatenate"):
        eval(compile(naive, "<naive>", "eval"), {**ns, "drop4": tiny, "up6": tiny})
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Model: "
                                         r"\{'input': .*'output': "):
        eval_call(call_in(source, "unet", "Model"), ns, inputs=tiny, conv10=tiny * 2)
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized: \{'lr': 0.0001\}"):
        eval_call(call_in(source, "unet", "Adam"), ns)

    # The reference's unet() is the legacy one after exactly these three rewrites.
    fixed = function_def(source, "unet")
    for transformer in (MergeConcatToConcatenate(), RenameKeyword("Model", "input", "inputs"),
                        RenameKeyword("Model", "output", "outputs"),
                        RenameKeyword("Adam", "lr", "learning_rate")):
        fixed = transformer.visit(fixed)
    reference = function_def((REFERENCES / "unet_seed.py").read_text(), "unet")
    assert ast.dump(fixed) == ast.dump(reference)


# ----------------------------------------------------------------------------------------------
# vae_backend_loss


@pytest.mark.tf
def test_vae_reference_adds_the_kl_term():
    vae, encoder, generator = load_reference("manual/vae_closure_loss").build_vae()
    assert vae.output_shape == (None, 784)
    assert encoder.output_shape == (None, 2) and generator.input_shape == (None, 2)
    x = np.random.default_rng(1).random((4, 784)).astype("float32")
    stats = keras.Model(vae.inputs, [vae.get_layer("z_mean").output,
                                     vae.get_layer("z_log_var").output])
    z_mean, z_log_var = (ops.convert_to_numpy(t) for t in stats(x))
    expected_kl = np.mean(-0.5 * np.sum(1 + z_log_var - z_mean ** 2 - np.exp(z_log_var), axis=-1))
    vae(x)
    assert len(vae.losses) == 1
    assert float(vae.losses[0]) == pytest.approx(expected_kl, rel=1e-5)


@pytest.mark.tf
def test_vae_legacy_builds_once_model_is_fixed_then_fails_at_fit():
    ns, failures = load_legacy("manual/vae_closure_loss")
    assert failed_imports(failures) == {"from keras import objectives": "ImportError"}
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Model: "
                                         r"\{'input': "):
        ns["build_vae"]()
    source = (FIXTURES / "manual" / "vae_closure_loss.py").read_text().replace(
        "Model(input=", "Model(inputs=").replace(", output=", ", outputs=")
    ns, _ = load_legacy("manual/vae_closure_loss", source)
    # Lambda(output_shape=...) does not run `sampling` while the graph is built, so the
    # missing keras.backend functions only surface at the first fit.
    vae = ns["build_vae"]()[0]
    x = np.random.default_rng(2).random((2, 784)).astype("float32")
    with pytest.raises(AttributeError, match="module 'keras.backend' has no attribute "
                                             "'random_normal'"):
        vae.fit(x, x, verbose=0)
    # With the tf.keras.backend shim the sampling runs, and the loss's closure over the
    # symbolic z_mean / z_log_var fails instead.
    ns["K"] = tf.keras.backend
    vae = ns["build_vae"]()[0]
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input to a "
                                         "TensorFlow function"):
        vae.fit(x, x, verbose=0)


@pytest.mark.tf
def test_vae_reference_trains_in_graph_mode():
    vae = load_reference("manual/vae_closure_loss").build_vae()[0]
    history = fit_one_batch(vae, eager=False)
    assert "reconstruction_error" in history.history
    fit_one_batch(load_reference("vae_backend_loss").build_vae()[0], eager=False)


@pytest.mark.tf
def test_vae_2018_reference_adds_the_kl_term_and_sums_the_crossentropy():
    reference = load_reference("vae_backend_loss")
    vae, encoder, decoder = reference.build_vae()
    assert vae.output_shape == (None, 784) and encoder.output_shape == (None, 2)
    assert decoder.input_shape == (None, 2) and decoder.output_shape == (None, 784)
    x = np.random.default_rng(7).random((4, 784)).astype("float32")
    vae(x)
    assert len(vae.losses) == 1  # KLDivergenceLayer's add_loss
    # nll: the per-sample sum of the pixel crossentropies (not their mean)
    y = np.full((1, 784), 0.25, "float32")
    expected = 784 * np.log(2.0)  # each pixel: -(0.25 log 0.5 + 0.75 log 0.5)
    assert float(ops.convert_to_numpy(reference.nll(y, np.full((1, 784), 0.5, "float32")))[0]) == pytest.approx(expected, rel=1e-4)


@pytest.mark.tf
def test_vae_2018_legacy_fails_on_the_backend_and_on_add_loss_inputs():
    ns, failures = load_legacy("vae_backend_loss")
    assert failed_imports(failures) == {"from keras.engine.topology import Layer": "ModuleNotFoundError"}
    # the layer runs K.sum while the functional graph is built
    with pytest.raises(AttributeError, match="module 'keras.backend' has no attribute 'sum'"):
        ns["build_vae"]()
    # with the tf.keras.backend shim, Keras 3's add_loss rejects Keras 2's inputs=
    ns["K"] = tf.keras.backend
    with pytest.raises(TypeError, match="unexpected keyword argument 'inputs'"):
        ns["build_vae"]()
    tiny = keras.Input((4,))
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Model: \{'input': "):
        eval_call(call_in((FIXTURES / "vae_backend_loss.py").read_text(), "build_vae", "Model"), ns, x=tiny, x_pred=tiny * 2)


# ----------------------------------------------------------------------------------------------
# gan_merge


@pytest.mark.tf
def test_gan_reference_shapes_and_merge_layers():
    reference = load_reference("gan_merge")
    generator = reference.build_generator()
    assert generator.output_shape == (None, 28, 28, 1)
    deconvs = [layer for layer in generator.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [(d.kernel_size, d.strides, d.padding) for d in deconvs] == [((5, 5), (2, 2), "same")] * 2
    assert [tuple(d.output.shape) for d in deconvs] == [(None, 14, 14, 64), (None, 28, 28, 1)]
    kinds = {type(layer).__name__ for layer in generator.layers}
    assert {"Multiply", "Add", "BatchStatsNormalization"} <= kinds
    discriminator = reference.build_discriminator()
    assert [tuple(t.shape) for t in discriminator.inputs] == [(None, 28, 28, 1), (None, 10)]
    assert any(isinstance(layer, keras.layers.Concatenate) for layer in discriminator.layers)
    siamese = reference.build_siamese()
    dot = next(layer for layer in siamese.layers if isinstance(layer, keras.layers.Dot))
    assert dot.axes == 1 and tuple(dot.output.shape) == (None, 1)


@pytest.mark.tf
def test_gan_reference_batchnorm_modes():
    reference = load_reference("gan_merge")
    x = np.random.default_rng(3).normal(5.0, 2.0, (8, 4, 4, 3)).astype("float32")
    # mode=2: batch statistics even at inference
    mode2 = reference.BatchStatsNormalization()
    out = ops.convert_to_numpy(mode2(x, training=False))
    assert abs(out.mean()) < 1e-3 and abs(out.std() - 1.0) < 1e-2
    # a frozen mode=0 layer, training: Keras 1 used batch statistics, Keras 3's BN the moving ones
    keras1_bn, plain_bn = reference.Keras1BatchNormalization(), keras.layers.BatchNormalization()
    for layer in (keras1_bn, plain_bn):
        layer.build(x.shape)
        layer.trainable = False
    assert abs(ops.convert_to_numpy(keras1_bn(x, training=True)).mean()) < 1e-3
    assert ops.convert_to_numpy(plain_bn(x, training=True)).mean() == pytest.approx(5.0, abs=0.1)


@pytest.mark.tf
def test_gan_legacy_fails_where_the_catalog_says():
    ns, failures = load_legacy("gan_merge")
    assert failed_imports(failures) == {
        "from keras.layers import Input, Dense, Reshape, Flatten, Activation, Dropout, Merge, merge":
            "ImportError",
        "from keras.layers.convolutional import Convolution2D, Deconvolution2D": "ModuleNotFoundError",
        "from keras.layers.normalization import BatchNormalization": "ModuleNotFoundError",
        "from keras.layers.advanced_activations import LeakyReLU": "ModuleNotFoundError",
        "from keras.utils import np_utils": "ImportError",
    }
    assert "cannot import name 'Merge' from 'keras.layers'" in str(failures[0][1])
    assert {"Merge", "merge", "Deconvolution2D"}.isdisjoint(ns)  # no Keras 3 namesake
    with pytest.raises(ValueError, match=r"passed to Dense: \{'init': 'glorot_normal'\}"):
        ns["build_generator"]()
    for builder in ("build_discriminator", "build_siamese"):
        with pytest.raises(ValueError, match=r"passed to Conv2D: \{'subsample': \(2, 2\), "
                                             r"'border_mode': 'same'\}"):
            ns[builder]()
    source = (FIXTURES / "gan_merge.py").read_text()
    with pytest.raises(ValueError, match=r"passed to BatchNormalization: \{'mode': 0\}"):
        eval_call(call_in(source, "build_generator", "BatchNormalization"), ns)
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized: \{'lr': 0.0002\}"):
        eval_call(call_in(source, "build_discriminator", "Adam"), ns)
    with pytest.warns(UserWarning, match="Argument `alpha` is deprecated"):
        leaky = eval_call(call_in(source, "build_discriminator", "LeakyReLU"), ns)
    assert leaky.negative_slope == pytest.approx(0.2)


@pytest.mark.tf
def test_gan_freeze_once_recipe_leaves_discriminator_untrained():
    # The Keras 1/2 recipe: compile D, set D.trainable = False, compile the combined model, then
    # call D.train_on_batch. Keras 3 reads `trainable` at the call, so D's own step is empty.
    reference = load_reference("gan_merge")
    discriminator = reference.build_discriminator()
    reference.build_gan(discriminator=discriminator)
    assert discriminator.trainable is False
    discriminator.run_eagerly = True
    x, y = one_batch(discriminator)
    before = weights_of(discriminator)
    with pytest.warns(UserWarning, match="The model does not have any trainable weights"):
        discriminator.train_on_batch(x, y)
    assert not changed(before, discriminator)


@pytest.mark.tf
def test_keras3_reads_trainable_at_first_trace_graph_mode():
    # Why the reference sets the flag before every call: in graph mode the first
    # train_on_batch traces the step with the trainable weights of that moment, and a later
    # `trainable = True` does not retrace it. (Tiny stand-in models; the Keras behaviour is the point.)
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    d.compile(optimizer="adam", loss="binary_crossentropy")
    d.trainable = False
    x, y = np.ones((2, 3), "float32"), np.ones((2, 1), "float32")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        d.train_on_batch(x, y)
    d.trainable = True
    before = weights_of(d)
    d.train_on_batch(x, y)
    assert not changed(before, d)


@pytest.mark.tf
def test_gan_reference_training_step_graph_mode():
    # One iteration of the reference main()'s loop, traced as tf.functions like main() does.
    reference = load_reference("gan_merge")
    generator = reference.build_generator()
    discriminator = reference.build_discriminator()
    combined = reference.build_gan(generator, discriminator)
    rng = np.random.default_rng(4)
    labels = np.eye(10, dtype="float32")[[1, 2, 3, 4]]
    images = rng.uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    noise = rng.uniform(-1, 1, (4, 100)).astype("float32")

    discriminator.trainable = True
    before = weights_of(discriminator)
    d_loss, d_acc = discriminator.train_on_batch([images, labels], np.array([1, 1, 0, 0]))
    assert math.isfinite(d_loss) and changed(before, discriminator)

    discriminator.trainable = False
    d_before, g_before = weights_of(discriminator), weights_of(generator)
    g_loss = combined.train_on_batch([noise, labels], np.ones(4))
    assert math.isfinite(float(np.ravel(g_loss)[0]))
    assert not changed(d_before, discriminator) and changed(g_before, generator)


# ----------------------------------------------------------------------------------------------
# image_pipeline


@pytest.mark.tf
def test_image_pipeline_reference():
    reference = load_reference("image_pipeline")
    model = reference.build_model()
    assert model.input_shape == (None, 150, 150, 3) and model.output_shape == (None, 1)
    prelu = next(layer for layer in model.layers if isinstance(layer, keras.layers.PReLU))
    assert not np.any(ops.convert_to_numpy(prelu.alpha))
    for legacy_method in ("fit_generator", "evaluate_generator", "predict_generator"):
        assert not hasattr(model, legacy_method)
    # the augmentation runs inside a tf.data pipeline, as main() uses it
    augmentation = reference.build_augmentation()
    images = np.random.default_rng(5).random((2, 150, 150, 3)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((images, np.ones((2, 1), "float32"))).batch(2)
    batch, _ = next(iter(dataset.map(lambda x, y: (augmentation(x, training=True), y))))
    assert tuple(batch.shape) == (2, 150, 150, 3)


@pytest.mark.tf
def test_image_pipeline_legacy_fails():
    ns, failures = load_legacy("image_pipeline")
    assert failed_imports(failures) == {
        "from keras.preprocessing.image import ImageDataGenerator, load_img, img_to_array":
            "ImportError",
        "from keras.layers.normalization import BatchNormalization": "ModuleNotFoundError",
        "from keras.layers.advanced_activations import PReLU": "ModuleNotFoundError",
        "from keras.utils.generic_utils import Progbar": "ModuleNotFoundError",
        "from keras.utils.vis_utils import plot_model": "ModuleNotFoundError",
    }
    assert "ImageDataGenerator" not in ns and "load_img" in ns  # load_img is still there
    with pytest.raises(ValueError, match=r"passed to PReLU: \{'init': 'zero'\}"):
        ns["build_model"]()


# ----------------------------------------------------------------------------------------------
# text_cnn_keras1


@pytest.mark.tf
def test_text_cnn_reference_layers_follow_keras1_formulas():
    reference = load_reference("text_cnn_keras1")
    manual = load_reference("manual/highway_maxout")
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 5)).astype("float32")

    highway = manual.Highway(activation="relu")
    out = ops.convert_to_numpy(highway(x))
    W, W_carry, b, b_carry = (ops.convert_to_numpy(v) for v in
                              (highway.W, highway.W_carry, highway.b, highway.b_carry))
    np.testing.assert_allclose(b_carry, -2.0)
    t = 1 / (1 + np.exp(-(x @ W_carry + b_carry)))
    np.testing.assert_allclose(out, np.maximum(x @ W + b, 0) * t + (1 - t) * x, rtol=1e-5, atol=1e-6)

    maxout = manual.MaxoutDense(7, nb_feature=4)
    out = ops.convert_to_numpy(maxout(x))
    W, b = ops.convert_to_numpy(maxout.W), ops.convert_to_numpy(maxout.b)
    assert W.shape == (4, 5, 7)
    np.testing.assert_allclose(out, np.max(np.einsum("bi,kio->bko", x, W) + b, axis=1), rtol=1e-5)

    rnn = reference.build_rnn()
    gru = next(layer for layer in rnn.layers if isinstance(layer, keras.layers.GRU))
    assert gru.cell.reset_after is False and (gru.cell.dropout, gru.cell.recurrent_dropout) == (0.1, 0.1)
    np.testing.assert_allclose(keras1_hard_sigmoid_values(gru.cell.recurrent_activation),
                               KERAS1_HARD_SIGMOID, rtol=1e-6)
    assert any(isinstance(layer, keras.layers.TimeDistributed) for layer in rnn.layers)
    cnn = reference.build_cnn()
    convs = [layer for layer in cnn.layers if isinstance(layer, keras.layers.Conv1D)]
    assert [(c.filters, c.kernel_size, c.strides, c.dilation_rate) for c in convs] == [
        (250, (3,), (1,), (1,)), (64, (3,), (1,), (2,)), (64, (3,), (1,), (1,))]
    char_rnn = reference.build_char_rnn()
    assert char_rnn.input_shape == (None, 40, 57)
    # main() computes nb_classes as Keras' reuters example did, np.max(y) + 1: a NumPy integer,
    # which Keras 3 layers no longer accept as a size (the reference casts it)
    with pytest.raises(ValueError, match="`units`, expected a positive integer"):
        reference.build_char_rnn(nb_chars=np.max(np.arange(57)) + 1)


@pytest.mark.tf
def test_text_cnn_loss_order_keras1_vs_keras3():
    # Keras 1 K.categorical_crossentropy(output, target); Keras >= 2.0.7 (target, output).
    reference = load_reference("text_cnn_keras1")
    y_true = np.array([[0.0, 1.0, 0.0]], "float32")
    y_pred = np.array([[0.1, 0.8, 0.1]], "float32")
    smoothed = y_true * 0.9 + 0.1 / 3
    expected = -np.sum(smoothed * np.log(y_pred))
    got = float(ops.convert_to_numpy(reference.smoothed_categorical_crossentropy(y_true, y_pred))[0])
    assert got == pytest.approx(expected, rel=1e-5)
    # the legacy function runs unchanged on the tf.keras.backend shim, and is silently wrong
    ns, _ = load_legacy("text_cnn_keras1")
    ns["K"] = tf.keras.backend
    legacy = float(ops.convert_to_numpy(ns["smoothed_categorical_crossentropy"](y_true, y_pred))[0])
    assert math.isfinite(legacy) and legacy != pytest.approx(expected, rel=0.1)


@pytest.mark.tf
def test_text_cnn_reference_trains_in_graph_mode():
    history = fit_one_batch(load_reference("text_cnn_keras1").build_cnn(), eager=False)
    assert "fmeasure" in history.history  # Keras 1 logged the metric under this name


@pytest.mark.tf
def test_text_cnn_legacy_fails():
    ns, failures = load_legacy("text_cnn_keras1")
    assert set(failed_imports(failures).values()) == {"ModuleNotFoundError", "ImportError"}
    assert len(failures) == 6
    assert {"Highway", "MaxoutDense", "TimeDistributedDense", "AtrousConvolution1D"}.isdisjoint(ns)
    with pytest.raises(ValueError, match=r"passed to Embedding: \{'init': 'uniform', 'W_regularizer'"):
        ns["build_cnn"]()
    with pytest.raises(TypeError, match=r"GRU.__init__\(\) missing 1 required positional "
                                        r"argument: 'units'"):
        ns["build_rnn"]()
    with pytest.raises(ValueError, match=r"passed to GRU: \{'input_length': 40, "
                                         r"'inner_activation': 'hard_sigmoid'\}"):
        ns["build_char_rnn"]()
    source = (FIXTURES / "text_cnn_keras1.py").read_text()
    with pytest.raises(TypeError, match=r"missing 2 required positional arguments: 'filters' "
                                        r"and 'kernel_size'"):
        eval_call(call_in(source, "build_cnn", "Convolution1D"), ns, nb_filter=250, filter_length=3)
    with pytest.raises(ValueError, match=r"passed to MaxPooling1D: \{'pool_length': 2, 'stride': 2\}"):
        eval_call(call_in(source, "build_cnn", "MaxPooling1D"), ns)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'stddev'"):
        eval_call(call_in(source, "build_cnn", "GaussianNoise"), ns)
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'p'"):
        eval_call(call_in(source, "build_cnn", "SpatialDropout1D"), ns)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'rate'"):
        eval_call(call_in(source, "build_cnn", "Dropout"), ns)
    # metrics=['fmeasure'] passes compile() and fails at the first fit
    with pytest.raises(ValueError, match="Could not interpret metric identifier: fmeasure"):
        keras.metrics.get("fmeasure")


# ----------------------------------------------------------------------------------------------
# video_conv3d_keras1


@pytest.mark.tf
def test_video_reference_shapes_and_keras1_defaults():
    reference = load_reference("video_conv3d_keras1")
    c3d = reference.build_c3d()
    convs = [layer for layer in c3d.layers if isinstance(layer, keras.layers.Conv3D)]
    assert [(c.kernel_size, c.strides) for c in convs] == [((3, 3, 3), (1, 1, 1))] * 2
    assert c3d.output_shape == (None, 5)
    assert c3d.loss == "kl_divergence"
    next_frame = reference.build_next_frame_model()
    assert next_frame.input_shape == next_frame.output_shape == (None, None, 40, 40, 1)
    assert next_frame.layers[-1].kernel_size == (1, 3, 3)
    lstms = [layer for layer in next_frame.layers if isinstance(layer, keras.layers.ConvLSTM2D)]
    assert len(lstms) == 4 and (lstms[0].cell.dropout, lstms[0].cell.recurrent_dropout) == (0.2, 0.2)
    for lstm in lstms:
        np.testing.assert_allclose(keras1_hard_sigmoid_values(lstm.cell.recurrent_activation),
                                   KERAS1_HARD_SIGMOID, rtol=1e-6)
    # Keras 1 defaults of the optimizers the legacy code named by string
    assert float(next_frame.optimizer.learning_rate) == pytest.approx(1.0)
    assert next_frame.optimizer.epsilon == pytest.approx(1e-8)
    classifier = reference.build_frame_classifier()
    assert float(classifier.optimizer.learning_rate) == pytest.approx(0.01)
    assert classifier.optimizer.initial_accumulator_value == 0.0
    padding = next(layer for layer in classifier.layers if isinstance(layer, keras.layers.ZeroPadding2D))
    assert padding.padding == ((1, 0), (1, 0))
    assert tuple(padding.output.shape) == (None, 15, 15, 64)
    assert float(keras.optimizers.get("adadelta").learning_rate) == pytest.approx(0.001)  # why it matters


@pytest.mark.tf
def test_video_legacy_fails():
    ns, failures = load_legacy("video_conv3d_keras1")
    statements = failed_imports(failures)
    assert statements.pop("K.set_image_dim_ordering('tf')") == "AttributeError"
    assert len(statements) == 9
    assert "module 'keras.backend' has no attribute 'set_image_dim_ordering'" in str(failures[-1][1])
    with pytest.raises(ValueError, match=r"passed to Conv3D: \{'border_mode': 'same'\}"):
        ns["build_c3d"]()
    with pytest.raises(TypeError, match=r"ConvLSTM2D.__init__\(\) missing 2 required positional"):
        ns["build_next_frame_model"]()
    with pytest.raises(ValueError, match=r"passed to Conv2D: \{'subsample': \(2, 2\), "
                                         r"'border_mode': 'same'\}"):
        ns["build_frame_classifier"]()
    source = (FIXTURES / "video_conv3d_keras1.py").read_text()
    # Convolution3D(32, 3, 3, 3): the 4th positional argument is `padding`
    with pytest.raises(AttributeError, match="'int' object has no attribute 'lower'"):
        eval_call(call_in(source, "build_c3d", "Convolution3D", nth=1), ns)
    zero_padding = call_in(source, "build_frame_classifier", "ZeroPadding2D")
    with pytest.raises(ValueError, match=r"passed to ZeroPadding2D: \{'dim_ordering': 'tf'\}"):
        eval_call(zero_padding, ns)
    # and without dim_ordering, the Keras 1 dict form of padding is rejected
    with pytest.raises(ValueError, match="`padding` should have two elements"):
        eval_call(DropKeywords("dim_ordering").visit(zero_padding), ns)
    with pytest.raises(ValueError, match=r"passed to MaxPooling3D: \{'border_mode': 'valid', "
                                         r"'dim_ordering': 'tf'\}"):
        eval_call(call_in(source, "build_c3d", "MaxPooling3D"), ns)
    with pytest.raises(ValueError, match="Could not interpret loss identifier: "
                                         "kullback_leibler_divergence"):
        keras.losses.get("kullback_leibler_divergence")


# ----------------------------------------------------------------------------------------------
# tabular_tfkeras2


@pytest.mark.tf
def test_tabular_reference_sklearn_builder_and_pydataset():
    reference = load_reference("tabular_tfkeras2")
    wrapper = load_reference("manual/sklearn_wrapper")
    assert wrapper.create_model().output_shape == (None, 1)
    y = np.eye(2, dtype="float32")[[0, 1]]  # what SKLearnClassifier passes for a 0/1 target
    model = wrapper.create_model(X=np.zeros((2, 8)), y=y)
    assert model.output_shape == (None, 2)
    fit_one_batch(model)
    data = reference.CSVSequence(np.zeros((5, 8)), np.zeros(5), batch_size=2, workers=4,
                                 use_multiprocessing=True, max_queue_size=10)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (4, True, 10)
    assert len(data) == 3 and data[2][0].shape == (1, 8)
    assert reference.build_and_compile_model().optimizer.epsilon == pytest.approx(1e-7)


@pytest.mark.tf
def test_tabular_legacy_fails_step_by_step():
    ns, failures = load_legacy("tabular_tfkeras2")
    assert failed_imports(failures) == {
        "from tensorflow.keras.layers.experimental import preprocessing": "ModuleNotFoundError",
    }
    for builder in ("build_and_compile_model", "build_classifier"):
        with pytest.raises(ImportError, match="`keras.optimizers.legacy` is not supported in Keras 3"):
            ns[builder]()
    wrapper_ns, wrapper_failures = load_legacy("manual/sklearn_wrapper")
    assert failed_imports(wrapper_failures) == {
        "from tensorflow.keras.wrappers.scikit_learn import KerasClassifier": "ModuleNotFoundError",
    }
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`/`input_dim`"):
        assert wrapper_ns["create_model"]().output_shape == (None, 1)  # builds: only warnings

    # fix the optimizer namespace: compile(metrics='accuracy') is next
    build = rewrite_function("tabular_tfkeras2", "build_classifier", DropLegacyOptimizerNamespace(),
                             namespace=ns)
    with pytest.raises(ValueError, match="Expected `metrics` argument to be a list, tuple, or dict"):
        build()
    # fix it and rename lr: epsilon=None builds and compiles, then fails in the first step
    build = rewrite_function("tabular_tfkeras2", "build_and_compile_model",
                             DropLegacyOptimizerNamespace(), RenameKeyword("Adam", "lr", "learning_rate"),
                             namespace=ns)
    with pytest.warns(UserWarning, match="Argument `decay` is no longer supported"):
        model = build()
    with pytest.raises(ValueError, match="None values not supported"):
        fit_one_batch(model, eager=False)
    # ReduceLROnPlateau(epsilon=0.01) is accepted and ignored
    source = (FIXTURES / "tabular_tfkeras2.py").read_text()
    reduce_lr = eval_call(call_in(source, "main", "ReduceLROnPlateau"), ns)
    assert reduce_lr.min_delta == pytest.approx(1e-4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'workers'"):
        keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]).fit(
            np.zeros((1, 1)), np.zeros((1, 1)), workers=4, use_multiprocessing=True, verbose=0)


@pytest.mark.tf
def test_reference_headers_name_their_legacy_file():
    for path in REFERENCE_FILES:
        first = path.read_text().splitlines()[0]
        legacy = "../" * (len(key_of(path).split("/"))) + key_of(path) + ".py"
        assert first.startswith(f"# Keras 3 reference for {legacy} "), first
    for path in LEGACY_FILES:
        assert f"keras3/{key_of(path)}.py" in leading_comment(path.read_text())
