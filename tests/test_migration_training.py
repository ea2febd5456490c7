"""The training, optimizer and backend rules (KRS4xx, KRS5xx) on real code: the legacy
migration fixtures lose every finding of these families after one `fix --unsafe-fixes` (except
display-only explanations), the seed's fixtures come out as the issue asks, and the model code
of the installed Keras 3 gets no finding at all."""

from __future__ import annotations

import ast
import importlib.util
import os
import pathlib

import pytest
from conftest import ROOT

from keras_lint.diagnostics import Applicability
from keras_lint.engine import lint_text
from keras_lint.fixer import fix_text
from keras_lint.rules import all_rules
from keras_lint.settings import Settings

FAMILIES = ("KRS4", "KRS5")
MIGRATION = os.path.join(ROOT, "fixtures", "migration")
# The programs keras-lint migrates by itself, and those that need a human (manual/).
FIXTURES = sorted([name for name in os.listdir(MIGRATION) if name.endswith(".py")]
                  + [f"manual/{name}" for name in os.listdir(os.path.join(MIGRATION, "manual")) if name.endswith(".py")])


def our_rules():
    return [rule() for rule in all_rules() if rule.code.startswith(FAMILIES)]


def read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


# What stays after the fix: only display-only findings whose message says what to do.
EXPECTED_LEFT = {
    "manual/sklearn_wrapper.py": {"KRS512"},  # tf.compat.v1.keras.backend.set_session: use tf.config
    "manual/vae_closure_loss.py": {"KRS415"},  # a compile() loss closing over z_mean / z_log_var
}

# What the fix must have written (each also in the hand-migrated reference in keras3/, up to
# spacing and the spelling of imports).
EXPECTED_TEXT = {
    "mnist_cnn_keras1.py": [
        "SGD(learning_rate=InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)",
        "if K.image_data_format() == 'channels_first':",
        "epochs=nb_epoch",
        "np.argmax(model.predict(X_test), axis=-1)",
    ],
    "lstm_text_classifier.py": [
        "def get_callbacks(filepath='best.keras', patience=3):",
        "monitor='val_accuracy', verbose=1",
        "EarlyStopping(monitor='val_accuracy', patience=patience)",
        "model.save_weights('weights.weights.h5')",
        "(model.predict(X_test[:10], batch_size=batch_size) > 0.5).astype('int32')",
        "probabilities = model.predict(X_test[:10], batch_size=batch_size)",
    ],
    "unet_seed.py": [
        "Model(inputs = inputs, outputs = conv10)",
        "Adam(learning_rate = 1e-4)",
        "ModelCheckpoint('unet_membrane.keras'",
        "epochs=10",
    ],
    "vae_backend_loss.py": [
        "ops.sum(ops.binary_crossentropy(target=y_true, output=y_pred), axis=-1)",
        "self.add_loss(ops.mean(kl_batch))",
        "Model(inputs=x, outputs=x_pred)",
        "vae.save_weights('vae_mlp_mnist.weights.h5')",
        "random.normal(shape=(ops.shape(z_mu)[0], latent_dim)",
    ],
    "manual/vae_closure_loss.py": [
        "binary_crossentropy(target=x, output=x_decoded_mean)",
        "Model(inputs=x, outputs=x_decoded_mean)",
        "vae.save_weights('vae_mlp_mnist.weights.h5')",
        "random.normal(shape=(",
    ],
    "gan_merge.py": [
        "Model(inputs=[latent, image_class], outputs=fake_image)",
        "Adam(learning_rate=adam_lr, beta_1=adam_beta_1)",
        "generator.save_weights('generator.weights.h5', True)",
    ],
    "image_pipeline.py": [
        "model.fit(",
        "steps_per_epoch=nb_train_samples // batch_size",
        "validation_steps=nb_validation_samples // batch_size)",
        "model.evaluate(validation_generator, steps=nb_validation_samples // batch_size)",
        "model.predict(test_generator, steps=nb_test_samples // batch_size)",
        "model.save('model_dir.keras')",
        "model.save_weights('first_try.weights.h5')",
    ],
    "text_cnn_keras1.py": [
        "categorical_crossentropy(target=smoothed, output=y_pred)",
        "tuple(y_pred.shape)[-1]",
        "RMSprop(learning_rate=0.001)",
        "np.argmax(cnn.predict(X_test[:10]), axis=-1)",
    ],
    "video_conv3d_keras1.py": [
        "K.set_image_data_format('channels_last')",
        "optimizer=Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-8)",
        "optimizer=Adagrad(learning_rate=0.01, initial_accumulator_value=0.0, epsilon=1e-8)",
        "assert K.image_data_format() == 'channels_last'",
    ],
    "manual/highway_maxout.py": ["RMSprop(learning_rate=0.001)", "epochs=nb_epoch"],
    "manual/keras1_initializations.py": ["model.fit(x, y, epochs=10, batch_size=32)"],
    "manual/sequential_merge.py": ["final_model.fit([data_1, data_2], labels, epochs=10, batch_size=32)"],
    "manual/sklearn_wrapper.py": [],
    "tabular_tfkeras2.py": [
        "tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,",
        "epsilon=1e-7, amsgrad=False)",
        "metrics=['accuracy']",
        "min_delta=0.01",
        "dnn_model.save('dnn_model.keras')",
        "load_model('dnn_model.keras')",
    ],
}


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_loses_every_finding_of_these_families(name):
    path = os.path.join(MIGRATION, name)
    text = read(path)
    rules = our_rules()
    before = lint_text(text, path, Settings(), rules=rules)
    assert before.internal_errors == []
    assert before.findings, f"{name}: the fixture should have training/optimizer/backend findings"
    outcome = fix_text(text, path, Settings(), unsafe=True, rules=rules)
    assert outcome.error is None, outcome.error
    ast.parse(outcome.text)
    left = outcome.remaining.findings
    assert all(f.fix is not None and f.fix.applicability is Applicability.DISPLAY_ONLY for f in left), [(f.code, f.message) for f in left]
    assert {f.code for f in left} == EXPECTED_LEFT.get(name, set()), [(f.code, f.message) for f in left]
    for finding in left:
        # It explains itself: it names the code and what to write instead, and its fix says what to do.
        assert finding.message.count("`") >= 4 and len(finding.fix.message) > 20, finding.message
    for expected in EXPECTED_TEXT[name]:
        assert expected in outcome.text, f"{name}: the fix did not write {expected!r}"
    again = fix_text(outcome.text, path, Settings(), unsafe=True, rules=rules)
    assert again.text == outcome.text, f"{name}: fixing twice changed the code again"


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_safe_fixes_alone_are_consistent(name):
    """Without --unsafe-fixes some findings stay, but the code never refers to a name whose
    import a fix removed (the backend import goes only with the last of its uses)."""
    path = os.path.join(MIGRATION, name)
    outcome = fix_text(read(path), path, Settings(), unsafe=False, rules=our_rules())
    assert outcome.error is None
    tree = ast.parse(outcome.text)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.update(a.asname or a.name for a in node.names)
    used_modules = {node.value.id for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)}
    for module in ("K", "ops", "keras"):
        if module in used_modules:
            assert module in imported, f"{name}: `{module}` is used but no longer imported"


def test_seed_fixtures_come_out_migrated():
    rules = our_rules()
    losses_path = os.path.join(ROOT, "fixtures", "seed", "losses_compile.py")
    losses = fix_text(read(losses_path), losses_path, Settings(), unsafe=True, rules=rules).text
    assert "Model(inputs=inputs, outputs=conv10)" in losses
    assert "Adam(learning_rate=1e-4)" in losses
    assert "ops.sparse_categorical_crossentropy(target=label, output=logit)" in losses
    assert "ops.binary_crossentropy(target=label, output=logit)" in losses
    assert "K.sparse" not in losses and "K.binary" not in losses and "import keras.backend as K" not in losses
    assert "from keras import ops" in losses
    unet_path = os.path.join(ROOT, "fixtures", "seed", "unet.py")
    unet = fix_text(read(unet_path), unet_path, Settings(), unsafe=False, rules=rules).text
    assert "Model(inputs = inputs, outputs = conv10)" in unet
    assert "Adam(learning_rate = 1e-4)" in unet


def test_target_keras_2_keeps_valid_tf_keras_code_and_fixes_keras1_code():
    """With target-keras = "2", what tf.keras 2.x accepts is left alone (K.mean, fit_generator,
    workers=, the legacy optimizers), while Keras 1 code is still reported."""
    code = (
        "import tensorflow as tf\n"
        "from tensorflow.keras import backend as K\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
        "model.compile(optimizer=tf.keras.optimizers.legacy.Adam(lr=1e-3), loss='mse', metrics='accuracy')\n"
        "def train(generator, x):\n"
        "    model.fit_generator(generator, steps_per_epoch=10, epochs=2, workers=2)\n"
        "    model.fit(x, x, nb_epoch=2)\n"
        "    return K.mean(x)\n"
    )
    settings = Settings(target_keras="2")
    from keras_lint.engine import enabled_rules

    rules = [rule for rule in enabled_rules(settings) if rule.code.startswith(FAMILIES)]
    found = {(f.code, f.row) for f in lint_text(code, "t.py", settings, rules=rules).findings}
    assert found == {("KRS402", 7)}
    fixed = fix_text(code, "t.py", settings, unsafe=True, rules=rules).text
    assert "model.fit(x, x, epochs=2)" in fixed and "K.mean(x)" in fixed and "legacy.Adam(lr=1e-3)" in fixed


# -- the installed Keras 3 gets no finding ------------------------------------------------------------


def _keras_source() -> pathlib.Path:
    spec = importlib.util.find_spec("keras")
    assert spec is not None and spec.submodule_search_locations, "keras is not installed"
    return pathlib.Path(next(iter(spec.submodule_search_locations))) / "src"


def _findings_in(paths, rules) -> list[str]:
    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        result = lint_text(text, str(path), Settings(), rules=rules)
        problems += [f"{path}:{f.row}: {f.code} {f.message}" for f in result.findings]
        problems += result.internal_errors
    return problems


def test_keras_applications_get_no_finding():
    paths = sorted((_keras_source() / "applications").glob("*.py"))
    assert len(paths) > 15
    assert _findings_in(paths, our_rules()) == []


_KERAS_SUBPACKAGES = sorted(p.name for p in _keras_source().iterdir() if p.is_dir() and p.name not in ("applications", "__pycache__"))


@pytest.mark.slow
@pytest.mark.parametrize("subpackage", _KERAS_SUBPACKAGES)
def test_keras_source_gets_no_finding(subpackage):
    """Keras 3's own code, which uses `keras.src.backend` (a different module from the Keras 2
    backend) and calls fit/save/compile everywhere: no finding from these families."""
    paths = sorted((_keras_source() / subpackage).rglob("*.py"))
    assert _findings_in(paths, our_rules()) == []


# -- the backend import goes only with its last use --------------------------------------------------

BACKEND_CODE = (
    "import numpy as np\n"
    "import keras.backend as K\n"
    "y_true = np.array([[0.0, 1.0]], dtype='float32')\n"
    "y_pred = np.array([[0.2, 0.8]], dtype='float32')\n"
    "a = K.mean(y_pred)\n"
    "b = K.categorical_crossentropy(y_pred, y_true)\n"
)


def _fixed(code: str, rules, unsafe: bool = True) -> str:
    outcome = fix_text(code, "k.py", Settings(), unsafe=unsafe, rules=rules)
    assert outcome.error is None
    return outcome.text


def test_backend_import_removed_when_every_use_is_rewritten():
    fixed = _fixed(BACKEND_CODE, our_rules())
    assert "import keras.backend as K" not in fixed and "K." not in fixed
    assert "ops.mean(y_pred)" in fixed and "ops.categorical_crossentropy(target=y_true, output=y_pred)" in fixed


def test_backend_import_kept_while_an_unsafe_use_remains():
    fixed = _fixed(BACKEND_CODE, our_rules(), unsafe=False)
    assert "import keras.backend as K" in fixed and "ops.mean(y_pred)" in fixed and "K.categorical_crossentropy(y_pred, y_true)" in fixed


def test_backend_import_kept_when_the_rule_for_a_use_does_not_run():
    from keras_lint.rules.backend import BackendFunctionMoved

    fixed = _fixed(BACKEND_CODE, [BackendFunctionMoved()])
    assert "import keras.backend as K" in fixed and "ops.mean(y_pred)" in fixed and "K.categorical_crossentropy(y_pred, y_true)" in fixed


def test_backend_import_kept_when_a_use_is_silenced_by_noqa():
    code = BACKEND_CODE.replace("b = K.categorical_crossentropy(y_pred, y_true)", "b = K.categorical_crossentropy(y_pred, y_true)  # noqa: KRS511")
    fixed = _fixed(code, our_rules())
    assert "import keras.backend as K" in fixed and "K.categorical_crossentropy(y_pred, y_true)" in fixed


def test_backend_import_stays_until_a_use_whose_new_import_waits_is_rewritten():
    """`K.random_normal` needs `import keras`, `K.shape` needs `from keras import ops`: both
    inserted at one place, so the fixer applies them in two passes, and the import of `K` must
    wait for the second (it once went in the first, leaving `K.random_normal` unbound)."""
    code = (
        "from keras.layers import Input\n"
        "from keras import backend as K\n"
        "from keras.datasets import mnist\n"
        "def sampling(z):\n"
        "    return K.exp(z) + K.random_normal(shape=(K.shape(z)[0], 2))\n"
    )
    fixed = _fixed(code, our_rules())
    assert "K." not in fixed and "backend as K" not in fixed, fixed
    assert "random.normal(shape=(ops.shape(z)[0], 2))" in fixed, fixed


def test_a_template_rewrite_refused_for_a_compound_argument_says_what_to_do_once():
    code = "import keras.backend as K\n\ndef gram(x):\n    return K.batch_flatten(K.permute_dimensions(x, (2, 0, 1)))\n"
    findings = [f for f in lint_text(code, "gram.py", Settings(), rules=our_rules()).findings if f.code == "KRS510"]
    flatten = next(f for f in findings if "batch_flatten" in f.message)
    assert flatten.fix is None or not flatten.fix.edits
    assert "assign its `x` argument to a name first" in flatten.message
    assert "reshape(x, (" in flatten.message
    assert flatten.message.count("keras.layers.Flatten()") == 1, flatten.message


KERAS1_ADADELTA = """from keras.models import Sequential
from keras.layers import Convolution2D, Dense, Flatten

model = Sequential()
model.add(Convolution2D(8, 3, 3, border_mode='same', input_shape=(28, 28, 1)))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
model.compile(loss='categorical_crossentropy',
              optimizer='adadelta',
              metrics=['accuracy'])
"""


def test_a_safe_fix_run_keeps_reporting_what_rests_on_the_keras1_code_it_rewrote():
    outcome = fix_text(KERAS1_ADADELTA, "mnist.py", Settings())
    assert "border_mode" not in outcome.text and "Convolution2D" not in outcome.text
    left = [f for f in outcome.remaining.findings if f.code == "KRS506"]
    assert len(left) == 1, outcome.remaining.findings
    assert "reported before the other fixes rewrote the Keras 1 code" in left[0].message
    assert (left[0].row, left[0].column) == (9, 25)
    assert outcome.text.splitlines()[8][24:].startswith("'adadelta'")
    # With the unsafe fixes, it is fixed like the rest.
    unsafe = fix_text(KERAS1_ADADELTA, "mnist.py", Settings(), unsafe=True)
    assert "Adadelta(learning_rate=1.0" in unsafe.text
    assert not [f for f in unsafe.remaining.findings if f.code == "KRS506"]
