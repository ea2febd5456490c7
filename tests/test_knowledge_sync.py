"""The Keras knowledge data must agree with the installed Keras.

Tests marked ``tf`` import the real Keras 3 and check the committed
``keras3.json`` against it.  The other tests check the loader on the committed
data, and that the loader never imports TensorFlow or Keras.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from keras_lint.knowledge import keras3

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATOR_PATH = REPO_ROOT / "scripts" / "generate_keras_data.py"
REGENERATE_HINT = "run `python scripts/generate_keras_data.py` and commit src/keras_lint/knowledge/keras3.json"
TF_KERAS_REAL_ROOT = "keras._tf_keras.keras"

# Strings that are easy to get wrong.  They are probes, not expectations: each
# test asks real Keras whether it accepts the string and compares with the data.
NEAR_MISSES = (
    "accurcy", "acc", "ACC", "Accuracy", "crossentropy", "ce", "kld", "KLD", "logcosh",
    "cosine_proximity", "fmeasure", "f1score", "rmse", "huber_loss", "kullback_leibler_divergence",
    "Relu", "ReLU", "LeakyReLU", "prelu", "softmx", "swish", "Swish",
    "glorot_unifrom", "GlorotUniform", "constant", "zero", "one", "normal", "uniform",
    "l1_l2", "l1l2", "L1L2", "maxnorm", "nonneg", "unitnorm", "radial_constraint",
    "lamb", "Lamb", "ADAM", "Adam", "adamm", "LossScaleOptimizer", "sgd ", "",
)


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_keras_data", GENERATOR_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    pytest.importorskip("tensorflow")
    return _load_generator()


@pytest.fixture(scope="module")
def installed_data(generator):
    return generator.build_data()


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("tensorflow")
    return importlib.import_module("keras")


def _near_miss_variants(name: str) -> set[str]:
    """Spelling slips of a valid identifier."""
    return {name.upper(), name.capitalize(), name.swapcase(), name[:-1], name.replace("_", ""), name + "s"}


def _get_accepts(keras, kind: str, text: str) -> bool:
    """Does the real keras.<kind>.get recognise ``text``?

    ImportError means Keras recognised the name and only an optional
    dependency is missing (the 'stft' initializer needs scipy).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(keras, kind).get(text)
        except ImportError:
            return True
        except Exception:  # noqa: BLE001 - get() signals rejection in several ways
            return False
    return True


def _live(qualname: str):
    """The live object behind a data name (``tf.keras.`` selects the shim)."""
    if qualname == "tf.keras" or qualname.startswith("tf.keras."):
        namespace, spelled = "tf.keras", qualname[len("tf.") :]
    else:
        namespace, spelled = "keras", qualname
    parts = spelled.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        if keras3.is_module(module_name, namespace):
            real = module_name if namespace == "keras" else TF_KERAS_REAL_ROOT + module_name[len("keras") :]
            obj = importlib.import_module(real)
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
            return obj
    raise LookupError(qualname)


def _qualname_owner(qualname: str):
    """For ``keras.Model.fit`` the class ``keras.Model``; otherwise None."""
    owner_name = qualname.rpartition(".")[0]
    entry = keras3.lookup(owner_name)
    return _live(owner_name) if entry and entry["kind"] == "class" else None


# --------------------------------------------------------------------------
# (a) the committed data is what the installed Keras produces
# --------------------------------------------------------------------------


@pytest.mark.tf
def test_committed_data_matches_installed_keras(generator, installed_data):
    committed = keras3.data()
    if installed_data != committed:
        differences = "\n  ".join(generator._diff_summary(committed, installed_data))
        pytest.fail(
            f"keras3.json is out of date for Keras {installed_data['keras_version']} "
            f"(- committed, + installed):\n  {differences}\n{REGENERATE_HINT}"
        )


@pytest.mark.tf
def test_committed_file_is_rendered_by_the_generator(generator):
    path = REPO_ROOT / "src" / "keras_lint" / "knowledge" / keras3.DATA_FILE
    assert path.read_text(encoding="utf-8") == generator.render(keras3.data()), REGENERATE_HINT


# --------------------------------------------------------------------------
# (b) spot checks of the data against the real Keras
# --------------------------------------------------------------------------


@pytest.mark.tf
@pytest.mark.parametrize("kind", keras3.IDENTIFIER_KINDS)
def test_every_recorded_identifier_is_accepted_by_get(keras, kind):
    refused = sorted(name for name in keras3.identifiers(kind) if not _get_accepts(keras, kind, name))
    assert not refused, f"keras.{kind}.get refuses {refused}; {REGENERATE_HINT}"


@pytest.mark.tf
@pytest.mark.parametrize("kind", keras3.IDENTIFIER_KINDS)
def test_near_misses_are_rejected_exactly_when_the_data_says_so(keras, kind):
    probes = set(NEAR_MISSES) | set(keras3.data()["identifiers"][kind]["rejected"])
    for name in keras3.identifiers(kind):
        probes |= _near_miss_variants(name)
    wrong = sorted(
        (text, keras3.accepts_identifier(kind, text))
        for text in probes
        if keras3.accepts_identifier(kind, text) != _get_accepts(keras, kind, text)
    )
    assert not wrong, f"data disagrees with keras.{kind}.get on (string, data says accepted): {wrong}"


@pytest.mark.tf
def test_every_recorded_signature_matches_the_live_object():
    mismatches = []
    for qualname in keras3.data()["signatures"]:
        obj = _live(qualname)
        if inspect.isclass(obj):
            live = list(inspect.signature(obj.__init__).parameters.values())[1:]
        elif _qualname_owner(qualname) is not None:  # a method such as keras.Model.fit
            live = list(inspect.signature(obj).parameters.values())[1:]
        else:
            live = list(inspect.signature(obj).parameters.values())
        named = [p for p in live if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        sig = keras3.signature(qualname)
        expected_kinds = [p.kind.name.lower() for p in named]
        if (
            [p.name for p in sig.params] != [p.name for p in named]
            or [p.kind for p in sig.params] != expected_kinds
            or [p.required for p in sig.params] != [p.default is p.empty for p in named]
            or sig.var_positional != next((p.name for p in live if p.kind is p.VAR_POSITIONAL), None)
            or sig.var_keyword != next((p.name for p in live if p.kind is p.VAR_KEYWORD), None)
        ):
            mismatches.append(qualname)
            continue
        for recorded_param, live_param in zip(sig.params, named):
            if recorded_param.required or recorded_param.default is keras3.NON_LITERAL:
                continue
            if recorded_param.default != live_param.default or type(recorded_param.default) is not type(
                live_param.default
            ):
                mismatches.append(f"{qualname}({recorded_param.name}=)")
    assert not mismatches, f"signatures differ from inspect.signature: {mismatches[:20]}; {REGENERATE_HINT}"


@pytest.mark.tf
def test_model_methods_have_signatures():
    owner = keras3.canonical("keras.Model")
    methods = [name.rpartition(".")[2] for name in keras3.data()["signatures"] if name.startswith(owner + ".")]
    assert methods, "no keras.Model methods recorded"
    for method in methods:
        assert keras3.signature(f"keras.models.Model.{method}") == keras3.signature(f"{owner}.{method}")


@pytest.mark.tf
def test_canonical_targets_are_the_same_live_object():
    wrong = []
    for namespace in keras3.NAMESPACES:
        prefix = "" if namespace == "keras" else "tf."
        for module, exports in keras3.data()["namespaces"][namespace].items():
            for name, entry in exports.items():
                if entry["target"] is None:
                    continue
                target = entry["target"] if entry["kind"] != "module" else prefix + entry["target"]
                if _live(f"{prefix}{module}.{name}") is not _live(target):
                    wrong.append(f"{namespace}:{module}.{name} -> {entry['target']}")
    assert not wrong, f"targets that are a different object: {wrong[:20]}; {REGENERATE_HINT}"


@pytest.mark.tf
def test_recorded_exports_are_exactly_the_live_public_names():
    wrong = []
    for namespace in keras3.NAMESPACES:
        prefix = "" if namespace == "keras" else "tf."
        for module, exports in keras3.data()["namespaces"][namespace].items():
            live = _live(prefix + module)
            public = {
                name
                for name, value in vars(live).items()
                if not name.startswith("_")
                and not (inspect.ismodule(value) and value.__name__.startswith("keras.src"))
            }
            if set(exports) != public:
                wrong.append(f"{namespace}:{module} {sorted(set(exports) ^ public)}")
    assert not wrong, f"{wrong[:10]}; {REGENERATE_HINT}"


@pytest.mark.tf
def test_layer_base_kwargs_behave_as_recorded(keras, generator):
    recorded = keras3.data()["layer_base_kwargs"]
    for kwarg in recorded["accepted"] + recorded["rejected"]:
        value = generator.LAYER_KWARG_PROBE_VALUES[kwarg]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                keras.layers.Dense(3, **{kwarg: value})
                accepted = True
            except (TypeError, ValueError):
                accepted = False
        assert accepted == (kwarg in keras3.layer_base_kwargs()), kwarg
        assert (accepted and bool(caught)) == (kwarg in keras3.layer_base_kwargs_warn()), kwarg


@pytest.mark.tf
def test_compile_extras_are_accepted_by_compile_in_any_case(keras):
    import numpy as np

    x = np.zeros((2, 3), "float32")
    y = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    extras = keras3.compile_extras()
    for text in extras["metrics_case_insensitive"] + extras["losses_case_insensitive"]:
        is_metric = text in extras["metrics_case_insensitive"]
        for spelling in (text, text.upper()):
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
            model.compile(
                optimizer="sgd",
                loss="mse" if is_metric else spelling,
                metrics=[spelling] if is_metric else None,
                run_eagerly=True,
            )
            model.evaluate(x, y, verbose=0)  # raises if the string is not understood


@pytest.mark.tf
def test_padding_values_behave_as_recorded_when_building_a_model(keras):
    wrong = []
    for qualname, result in keras3.enum_values("padding").items():
        cls = _live(qualname)
        rank = int(re.search(r"(\d)D", cls.__name__).group(1))
        shape = ((2,) if "ConvLSTM" in cls.__name__ else ()) + (4,) * rank + (2,)
        # filters / kernel_size / pool_size
        args = {p.name: 2 for p in keras3.signature(qualname).params if p.required}
        args["data_format"] = "channels_last"
        refused = result["rejected_at"]["construction"] + result["rejected_at"]["symbolic_call"]
        for value in result["accepted"] + refused:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    cls(**args, padding=value)(keras.Input(shape))
                ok = True
            except Exception:  # noqa: BLE001 - any failure means the value is refused
                ok = False
            if ok != (value in result["accepted"]):
                wrong.append((qualname, value))
    assert not wrong, f"padding data disagrees with a model build: {wrong}"


# --------------------------------------------------------------------------
# The loader on the committed data (no TensorFlow needed)
# --------------------------------------------------------------------------


def test_canonical_names_are_their_own_canonical_name():
    for namespace in keras3.NAMESPACES:
        for module, exports in keras3.data()["namespaces"][namespace].items():
            for name, entry in exports.items():
                target = entry["target"]
                if target is not None and entry["kind"] in ("class", "function"):
                    # a target names its own namespace: keras.x, or tf.keras.x (shim only)
                    assert keras3.canonical(target) == target, (namespace, module, name)
                    assert keras3.signature(f"{module}.{name}", namespace) == keras3.signature(target)


def test_signature_defaults_decode_to_python_values():
    for qualname, raw in keras3.data()["signatures"].items():
        for raw_param, param in zip(raw["params"], keras3.signature(qualname).params):
            if raw_param["required"]:
                assert param.default is keras3.NO_DEFAULT and param.default_repr is None
            elif isinstance(raw_param["default"], dict) and "tuple" in raw_param["default"]:
                assert isinstance(param.default, tuple) or param.default is keras3.NON_LITERAL
            elif isinstance(raw_param["default"], dict):
                assert param.default is keras3.NON_LITERAL
                assert param.default_repr == raw_param["default"]["repr"]
            else:
                assert param.default == raw_param["default"]
                assert param.default_repr == repr(raw_param["default"])


def test_unknown_names_give_none():
    assert keras3.module_exports("keras.no_such_module") is None
    assert keras3.lookup("keras.layers.NoSuchLayer") is None
    assert keras3.canonical("keras.layers.NoSuchLayer") is None
    assert keras3.signature("keras.layers.NoSuchLayer") is None


def test_loader_imports_neither_tensorflow_nor_keras():
    code = (
        "import keras_lint.knowledge.keras3 as k; k.identifiers('metrics'); "
        "k.signature('keras.layers.Dense'); import sys; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    completed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


def test_data_file_is_valid_json_with_the_expected_schema():
    path = REPO_ROOT / "src" / "keras_lint" / "knowledge" / keras3.DATA_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["generator"]["schema"] == 1
    assert set(raw["namespaces"]) == set(keras3.NAMESPACES)
