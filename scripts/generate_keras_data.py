#!/usr/bin/env python
"""Generate ``src/keras_lint/knowledge/keras3.json`` from the installed Keras 3.

The lint path never imports TensorFlow or Keras; everything it knows about the
Keras API comes from the JSON file this script writes.  The script introspects
and *probes* the installed Keras (TensorFlow backend), so the data describes
what Keras really does, not what its documentation says.

Usage::

    python scripts/generate_keras_data.py            # (re)write the data file
    python scripts/generate_keras_data.py --check    # exit 1 if the file is stale
    python scripts/generate_keras_data.py --output other.json

What is recorded, and the rules used:

namespaces
    Every public module of plain ``keras`` (every package/module under
    ``keras/`` except ``keras.src`` and names starting with ``_``) and of the
    tf.keras shim ``keras._tf_keras.keras`` (what TF 2.21's ``tf.keras``
    resolves to; its modules are spelled ``keras.xxx`` in the data).  For each
    module, every public attribute -> ``{"kind", "target"}`` where kind is
    class/function/module/other.  Attributes that are non-public modules
    (``keras.src``) are left out.  ``target`` is the canonical name (below) for
    classes and functions, the public module name for modules, null for other.

canonical names (one primary public name per object)
    1. Keras's own primary name: the first path given to the object's
       ``@keras_export([...])`` decorator (Keras records it in
       ``keras.src.api_export``), provided that path really is a public export
       bound to the very same object.  This gives ``keras.Model`` for
       ``keras.models.Model``, ``keras.layers.Conv2D`` for ``Convolution2D``,
       ``keras.layers.Input`` for ``keras.Input``, ``keras.saving.load_model``
       for ``keras.models.load_model``.  It is the name Keras itself
       serialises under; note that Keras lists the metrics path first for the
       loss functions (``keras.metrics.mean_squared_error``).
    2. Otherwise (e.g. the tf.keras-only shims, registered under private
       ``keras._legacy.*`` paths) the public names bound to the object are
       ranked: a last component equal to the object's ``__name__`` first; then
       ``keras.<module>.X`` before top-level ``keras.X`` before deeper paths;
       then the shorter name; then alphabetical order.
    Names from the plain ``keras`` namespace are used whenever the object is
    reachable from it.  An object reachable only through tf.keras gets its
    tf.keras name prefixed with ``tf.`` (``tf.keras.backend.mean``,
    ``tf.keras.layers.AlphaDropout``: the latter is a legacy class, not
    ``keras.layers.AlphaDropout``), so a target never means two objects.

signatures
    ``inspect.signature`` of every public class (its ``__init__`` without
    ``self``) and function in the modules listed in SIGNATURE_MODULES (and
    their submodules) of either namespace, keyed by canonical name, plus the
    methods in MODEL_METHODS for ``keras.Model`` and ``keras.Sequential``
    (``keras.Model.fit``; with the TensorFlow backend that is
    ``TensorFlowTrainer.fit``).  Defaults that are JSON literals are stored as
    such, tuples as ``{"tuple": [...]}``, anything else as
    ``{"repr": "..."}`` (memory addresses stripped).

identifiers
    For each kind, the candidates are the keys of Keras's own
    ``keras.src.<kind>.ALL_OBJECTS_DICT``; each is kept only if
    ``keras.<kind>.get(candidate)`` succeeds (it constructs the object).  An
    ``ImportError`` counts as accepted: the string was recognised and only an
    optional dependency is missing (``'stft'`` needs scipy), which keeps the
    data independent of what else is installed.

compile_extras
    The strings ``Model.compile`` matches case-insensitively before calling
    ``get()``, read from ``keras/src/trainers/compile_utils.py`` and confirmed
    by compiling and evaluating a tiny model with each spelling.

enum_values
    ``padding``, ``data_format``, ``Bidirectional.merge_mode`` and loss
    ``reduction``: every value of ENUM_CANDIDATES (plus case variants of the
    accepted ones) is tried on real layers/losses, at construction, while
    building a model on ``keras.Input`` and in an eager call.

layer_base_kwargs
    The keyword arguments of ``Layer.__init__`` (its signature plus the names
    it pops from ``**kwargs``) and a few Keras 2 names, each tried on a real
    ``Dense`` and ``Layer``; accepted / accepted with a warning / rejected.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import math
import os
import pkgutil
import re
import sys
import warnings
from pathlib import Path

# Quiet TensorFlow, and make sure the probes run against the TensorFlow
# backend: that is the backend tf.keras users get.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if "keras" not in sys.modules:
    os.environ["KERAS_BACKEND"] = "tensorflow"

SCHEMA_VERSION = 1
SCRIPT_NAME = "scripts/generate_keras_data.py"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "keras_lint" / "knowledge" / "keras3.json"

TF_KERAS_REAL_PREFIX = "keras._tf_keras.keras"
NAMESPACE_ROOTS = {"keras": "keras", "tf.keras": TF_KERAS_REAL_PREFIX}

# Public modules (and their submodules) whose classes and functions get a
# recorded signature, in both namespaces.  keras.backend and
# keras.preprocessing are there mainly for the tf.keras shim's legacy objects
# (the K.* functions, ImageDataGenerator, Tokenizer, ...): migration rules
# need their signatures.
SIGNATURE_MODULES = (
    "keras.activations",
    "keras.applications",
    "keras.backend",
    "keras.callbacks",
    "keras.constraints",
    "keras.initializers",
    "keras.layers",
    "keras.losses",
    "keras.metrics",
    "keras.models",
    "keras.ops",
    "keras.optimizers",
    "keras.preprocessing",
    "keras.random",
    "keras.regularizers",
    "keras.utils",
)
SIGNATURE_TOP_LEVEL_NAMES = ("Input", "Model", "Sequential")
# Recorded for keras.Model and keras.Sequential, as `<class>.<method>`.
MODEL_METHODS = (
    "compile",
    "evaluate",
    "export",
    "fit",
    "load_weights",
    "predict",
    "predict_on_batch",
    "save",
    "save_weights",
    "summary",
    "test_on_batch",
    "to_json",
    "train_on_batch",
)

IDENTIFIER_KINDS = (
    "activations",
    "constraints",
    "initializers",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
)

# Candidate values for the enum probes; None means the Python value None.
ENUM_CANDIDATES = (
    "valid", "same", "causal", "full", "VALID", "SAME", "Same",
    "channels_last", "channels_first", "CHANNELS_LAST", "tf", "th",
    "sum", "mul", "ave", "concat", None, "auto", "none", "mean",
    "sum_over_batch_size", "mean_with_sample_weight",
)
# Layer families whose `padding` is a string enum worth probing.
PADDING_LAYER_MODULES = (
    "keras.src.layers.convolutional.",
    "keras.src.layers.pooling.",
    "keras.src.layers.rnn.conv_lstm",
)
# Left out of the data_format probe: STFTSpectrogram needs scipy, so its
# results would depend on whether scipy happens to be installed.
DATA_FORMAT_SKIP_MODULES = ("keras.src.layers.preprocessing.stft_spectrogram",)
# Values for required constructor arguments of probed layers.
PROBE_ARGUMENTS = {
    "filters": 2,
    "kernel_size": 2,
    "output_size": 2,
    "pool_size": 2,
    "size": 2,
    "height": 2,
    "width": 2,
    "factor": 1,  # RandomPosterization needs an int in [1, 8]
    "height_factor": 0.1,
    "width_factor": 0.1,
    "rate": 0.1,
    "cropping": 1,
    "padding": 1,
    "value_range": (0, 255),
}
# Values for the Layer.__init__ keyword-argument probe.  Keras 2 names that
# Keras 3 dropped are probed too, to record that they are rejected.
LAYER_KWARG_PROBE_VALUES = {
    "activity_regularizer": None,
    "autocast": True,
    "batch_input_shape": (None, 3),
    "batch_size": 1,
    "dtype": "float32",
    "input_dim": 3,
    "input_length": 3,
    "input_shape": (3,),
    "name": "probe_layer",
    "trainable": True,
    "weights": None,
}
LEGACY_LAYER_KWARGS = ("batch_input_shape", "batch_size", "input_length", "weights")

_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")
_PARAM_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
}


class GenerationError(RuntimeError):
    """Keras no longer looks the way this generator expects: fix the generator."""


# --------------------------------------------------------------------------
# Public modules and their exports
# --------------------------------------------------------------------------


def _public_modules(real_root: str) -> list[str]:
    """Real dotted names of the public modules under ``real_root``.

    Private names (``_x``) and ``keras.src`` are pruned before importing, so
    backend packages for other frameworks are never touched.
    """
    found = []

    def visit(name: str) -> None:
        found.append(name)
        module = importlib.import_module(name)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            if info.name.startswith("_") or (name == "keras" and info.name == "src"):
                continue
            visit(f"{name}.{info.name}")

    visit(real_root)
    return sorted(found)


def _spelled(real_name: str, namespace: str) -> str:
    """`keras._tf_keras.keras.layers` -> `keras.layers` (identity for keras)."""
    real_root = NAMESPACE_ROOTS[namespace]
    return "keras" + real_name[len(real_root) :]


def _kind_of(obj) -> str:
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "other"


def _collect_namespace(namespace: str) -> dict[str, dict[str, object]]:
    """{spelled module name: {public attribute name: live object}}."""
    real_names = _public_modules(NAMESPACE_ROOTS[namespace])
    public_module_objects = {id(importlib.import_module(m)) for m in real_names}
    modules: dict[str, dict[str, object]] = {}
    for real_name in real_names:
        module = importlib.import_module(real_name)
        exports = {}
        for attr in sorted(vars(module)):
            if attr.startswith("_"):
                continue
            value = getattr(module, attr)
            # `keras.src` is reachable as an attribute but is not public API.
            if inspect.ismodule(value) and id(value) not in public_module_objects:
                continue
            exports[attr] = value
        modules[_spelled(real_name, namespace)] = exports
    return modules


def _depth_rank(qualname: str) -> int:
    depth = qualname.count(".")
    if depth == 2:  # keras.<module>.X
        return 0
    if depth == 1:  # keras.X
        return 1
    return depth


def _choose_canonical(obj, names: list[str]) -> str:
    """The primary name of obj among its public names (rule in the module docstring)."""
    from keras.src import api_export

    registered = api_export.get_name_from_symbol(obj)
    if registered in names:
        return registered
    own_name = getattr(obj, "__name__", None)
    return min(
        names,
        key=lambda q: (q.rsplit(".", 1)[1] != own_name, _depth_rank(q), len(q), q),
    )


def _canonical_names(live: dict[str, dict[str, dict[str, object]]]) -> dict[int, str]:
    """id(object) -> canonical public name, for every class and function."""
    canonical: dict[int, str] = {}
    for namespace in ("keras", "tf.keras"):  # keras first: its names win
        names_by_object: dict[int, list[str]] = {}
        objects: dict[int, object] = {}
        for module, exports in live[namespace].items():
            for attr, value in exports.items():
                if _kind_of(value) in ("class", "function"):
                    names_by_object.setdefault(id(value), []).append(f"{module}.{attr}")
                    objects[id(value)] = value
        for key, names in names_by_object.items():
            if key not in canonical:
                chosen = _choose_canonical(objects[key], names)
                # tf.keras-only objects are marked as such: their spelled name
                # can collide with a different plain-keras object
                # (tf.keras.layers.AlphaDropout is a legacy class).
                canonical[key] = chosen if namespace == "keras" else "tf." + chosen
    return canonical


def _namespace_entries(live, canonical) -> dict:
    result = {}
    for namespace, modules in live.items():
        result[namespace] = {}
        for module, exports in modules.items():
            entries = {}
            for attr, value in exports.items():
                kind = _kind_of(value)
                if kind == "module":
                    target = _spelled(value.__name__, namespace)
                elif kind in ("class", "function"):
                    target = canonical[id(value)]
                else:
                    target = None
                entries[attr] = {"kind": kind, "target": target}
            result[namespace][module] = entries
    return result


# --------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------


def _encode_default(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and math.isfinite(value):  # JSON has no inf/nan
        return value
    if type(value) is tuple:
        encoded = [_encode_default(item) for item in value]
        if all(not (isinstance(e, dict) and "repr" in e) for e in encoded):
            return {"tuple": encoded}
    return {"repr": _ADDRESS_RE.sub("", repr(value))}


def _encode_signature(sig: inspect.Signature, drop_first: bool) -> dict:
    parameters = list(sig.parameters.values())
    if drop_first:
        parameters = parameters[1:]
    params, var_positional, var_keyword = [], None, None
    for p in parameters:
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            var_positional = p.name
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = p.name
        else:
            entry = {"name": p.name, "kind": _PARAM_KINDS[p.kind], "required": p.default is p.empty}
            if p.default is not p.empty:
                entry["default"] = _encode_default(p.default)
            params.append(entry)
    return {"params": params, "var_positional": var_positional, "var_keyword": var_keyword}


def _live_signature(obj) -> tuple[inspect.Signature, bool]:
    """The signature a caller sees, and whether its first parameter is `self`."""
    if inspect.isclass(obj):
        return inspect.signature(obj.__init__), True
    return inspect.signature(obj), False


def _in_signature_scope(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in SIGNATURE_MODULES)


def _signatures(live, canonical) -> dict:
    import keras

    signatures: dict[str, dict] = {}
    owners: dict[str, int] = {}
    for namespace in ("keras", "tf.keras"):
        for module, exports in live[namespace].items():
            for attr, value in exports.items():
                if _kind_of(value) not in ("class", "function"):
                    continue
                if not (_in_signature_scope(module) or (module == "keras" and attr in SIGNATURE_TOP_LEVEL_NAMES)):
                    continue
                name = canonical[id(value)]
                if name in owners:
                    if owners[name] != id(value):
                        raise GenerationError(f"two different objects share the canonical name {name}")
                    continue
                owners[name] = id(value)
                sig, has_self = _live_signature(value)
                signatures[name] = _encode_signature(sig, drop_first=has_self)
    for cls in (keras.Model, keras.Sequential):
        for method in MODEL_METHODS:
            signatures[f"{canonical[id(cls)]}.{method}"] = _encode_signature(
                inspect.signature(getattr(cls, method)), drop_first=True
            )
    return signatures


# --------------------------------------------------------------------------
# Probing helpers
# --------------------------------------------------------------------------


def _attempt(fn) -> tuple[bool, object]:
    """Run fn with warnings silenced; (succeeded, result or exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return True, fn()
        except Exception as exc:  # noqa: BLE001 - any failure is a probe result
            return False, exc


def _warns(fn) -> tuple[bool, list[str]]:
    """(succeeded, messages of the warnings raised while running fn)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
        except Exception:  # noqa: BLE001 - any failure is a probe result
            return False, [str(w.message) for w in caught]
    return True, [str(w.message) for w in caught]


# --------------------------------------------------------------------------
# Identifiers accepted by keras.<kind>.get
# --------------------------------------------------------------------------


def identifier_error(kind: str, identifier: str) -> Exception | None:
    """None if ``keras.<kind>.get(identifier)`` recognises the string, else the error.

    ImportError means the name was recognised but an optional dependency is
    missing (``'stft'`` needs scipy); it counts as recognised so the data does
    not depend on what else is installed.
    """
    import keras

    ok, result = _attempt(lambda: getattr(keras, kind).get(identifier))
    if ok or isinstance(result, ImportError):
        return None
    return result


def identifier_accepted(kind: str, identifier: str) -> bool:
    return identifier_error(kind, identifier) is None


def _identifiers() -> dict:
    result = {}
    for kind in IDENTIFIER_KINDS:
        registry = importlib.import_module(f"keras.src.{kind}").ALL_OBJECTS_DICT
        accepted, rejected = [], {}
        for candidate in sorted(registry):
            error = identifier_error(kind, candidate)
            if error is None:
                accepted.append(candidate)
            else:
                rejected[candidate] = type(error).__name__
        if not accepted:
            raise GenerationError(f"keras.{kind}.get accepted none of its own registry keys")
        # Case-insensitive only if every spelling variant of every accepted
        # name is accepted too (true for optimizers, which lowercase the name).
        variants = {v for name in accepted for v in (name.upper(), name.lower(), name.title(), name.swapcase())}
        case_insensitive = all(identifier_accepted(kind, v) for v in sorted(variants))
        if case_insensitive and accepted != sorted({name.lower() for name in accepted}):
            raise GenerationError(f"{kind}: case-insensitive lookup expected lowercase registry keys")
        result[kind] = {"accepted": accepted, "case_insensitive": case_insensitive, "rejected": rejected}
    return result


# --------------------------------------------------------------------------
# compile() extras
# --------------------------------------------------------------------------


def _lowercase_membership_sets(function_name: str) -> list[str]:
    """The string list in ``str(x).lower() [not] in [...]`` inside a compile_utils function."""
    from keras.src.trainers import compile_utils

    tree = ast.parse(Path(compile_utils.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function_name:
            for compare in ast.walk(node):
                if (
                    isinstance(compare, ast.Compare)
                    and isinstance(compare.left, ast.Call)
                    and isinstance(compare.left.func, ast.Attribute)
                    and compare.left.func.attr == "lower"
                    and len(compare.ops) == 1
                    and isinstance(compare.ops[0], (ast.In, ast.NotIn))
                    and isinstance(compare.comparators[0], (ast.List, ast.Set, ast.Tuple))
                ):
                    values = [elt.value for elt in compare.comparators[0].elts if isinstance(elt, ast.Constant)]
                    if values and all(isinstance(v, str) for v in values):
                        return sorted(values)
    raise GenerationError(
        f"keras/src/trainers/compile_utils.py: `str(identifier).lower() in [...]` not found in "
        f"{function_name}(); compile()'s special strings must be re-derived"
    )


def _compile_accepts(metric: str | None = None, loss: str = "mse") -> bool:
    """Does a real compile + evaluate accept this metric/loss string?"""
    import keras
    import numpy as np

    def run():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="sgd", loss=loss, metrics=[metric] if metric else None, run_eagerly=True)
        x = np.zeros((2, 3), "float32")
        y = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
        model.evaluate(x, y, verbose=0)

    return _attempt(run)[0]


def _compile_extras() -> dict:
    metric_strings = _lowercase_membership_sets("get_metric")
    loss_strings = _lowercase_membership_sets("get_loss")
    for strings, kind, probe in (
        (metric_strings, "metrics", lambda s: _compile_accepts(metric=s)),
        (loss_strings, "losses", lambda s: _compile_accepts(loss=s)),
    ):
        for base in strings:
            for spelling in sorted({base, base.upper(), base.title()}):
                if not probe(spelling):
                    raise GenerationError(f"compile() rejected {kind} string {spelling!r} found in compile_utils")
    return {"metrics_case_insensitive": metric_strings, "losses_case_insensitive": loss_strings}


# --------------------------------------------------------------------------
# Enum-valued arguments
# --------------------------------------------------------------------------


def _constructor_args(cls, fixed: dict) -> dict | None:
    """Keyword arguments that satisfy cls's required parameters, or None."""
    args = dict(fixed)
    for p in inspect.signature(cls.__init__).parameters.values():
        if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is p.empty and p.name not in args:
            if p.name not in PROBE_ARGUMENTS:
                return None
            args[p.name] = PROBE_ARGUMENTS[p.name]
    return args


def _probe_enum(make, stages: dict, attribute: str) -> dict:
    """Probe the candidate values of one enum-valued argument.

    ``make(value)`` builds the object (the "construction" stage); each entry of
    ``stages`` then uses a freshly built object, so a value is tested at every
    stage independently (pooling layers accept ``'SAME'`` in an eager call but
    reject it while a model is being built).  After the listed candidates, the
    upper- and title-case spellings of every accepted lowercase value are
    probed too, to decide case handling.
    """
    accepted, normalized = [], {}
    rejected_at = {"construction": [], **{stage: [] for stage in stages}}

    def probe(value) -> None:
        built, obj = _attempt(lambda: make(value))
        if not built:
            rejected_at["construction"].append(value)
            return
        stored = getattr(obj, attribute, value)
        failed = False
        for stage, run in stages.items():
            if not _attempt(lambda run=run: run(make(value)))[0]:
                rejected_at[stage].append(value)
                failed = True
        if not failed:
            accepted.append(value)
            if isinstance(value, str) and isinstance(stored, str) and stored != value:
                normalized[value] = stored

    for value in ENUM_CANDIDATES:
        probe(value)
    case_variants = [
        variant
        for value in list(accepted)
        if isinstance(value, str) and value == value.lower()
        for variant in (value.upper(), value.title())
        if variant != value
    ]
    for variant in case_variants:
        if variant not in ENUM_CANDIDATES:
            probe(variant)
    return {
        "accepted": accepted,
        # null when no lowercase string value was accepted (nothing to compare)
        "case_insensitive": all(v in accepted for v in case_variants) if case_variants else None,
        "normalized": normalized,
        "rejected_at": rejected_at,
    }


def _spatial_rank(cls) -> int:
    match = re.search(r"(\d)D", cls.__name__)
    if not match:
        raise GenerationError(f"cannot tell the spatial rank of {cls.__name__}")
    return int(match.group(1))


def _layer_classes_with(parameter: str, canonical, live) -> list[tuple[str, type]]:
    """(canonical name, class) for keras.layers classes that take `parameter`."""
    found = {}
    for value in live["keras"]["keras.layers"].values():
        if inspect.isclass(value) and parameter in inspect.signature(value.__init__).parameters:
            found[canonical[id(value)]] = value
    return sorted(found.items())


def _call_stages(shape: tuple[int, ...]) -> dict:
    """Symbolic call (what building a model does) and eager call on zeros."""
    import keras
    import numpy as np

    return {
        "symbolic_call": lambda layer: layer(keras.Input(batch_shape=shape)),
        "eager_call": lambda layer: layer(np.zeros(shape, "float32")),
    }


def _padding_values(canonical, live) -> dict:
    results = {}
    for name, cls in _layer_classes_with("padding", canonical, live):
        default = inspect.signature(cls.__init__).parameters["padding"].default
        if not isinstance(default, str) or not cls.__module__.startswith(PADDING_LAYER_MODULES):
            continue
        rank = _spatial_rank(cls)
        leading = (1, 2) if "ConvLSTM" in cls.__name__ else (1,)  # (batch, time) for ConvLSTM
        args = _constructor_args(cls, {"data_format": "channels_last"})
        if args is None:
            raise GenerationError(f"no probe values for the required arguments of {name}")
        results[name] = _probe_enum(
            lambda v, cls=cls, args=args: cls(**args, padding=v), _call_stages(leading + (4,) * rank + (2,)), "padding"
        )
    return results


def _data_format_values(canonical, live) -> dict:
    # Construction only: a call with channels_first fails on CPU for reasons
    # unrelated to the value (TF's CPU Conv2D only supports NHWC).
    results, unprobed = {}, []
    for name, cls in _layer_classes_with("data_format", canonical, live):
        args = _constructor_args(cls, {})
        if cls.__module__.startswith(DATA_FORMAT_SKIP_MODULES):
            unprobed.append(name)
            continue
        if args is None or not _attempt(lambda cls=cls, args=args: cls(**args))[0]:
            raise GenerationError(f"cannot construct {name} for the data_format probe; extend PROBE_ARGUMENTS")
        results[name] = _probe_enum(lambda v, cls=cls, args=args: cls(**args, data_format=v), {}, "data_format")
    return {"by_layer": results, "not_probed": unprobed}


def _merge_mode_values() -> dict:
    import keras

    return {
        "keras.layers.Bidirectional": _probe_enum(
            lambda v: keras.layers.Bidirectional(keras.layers.LSTM(2), merge_mode=v),
            _call_stages((1, 3, 2)),
            "merge_mode",
        )
    }


def _reduction_values(canonical) -> dict:
    import keras
    import numpy as np

    y_true = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    y_pred = np.array([[0.2, 0.8], [0.6, 0.4]], "float32")
    results = {}
    for cls in (keras.losses.MeanSquaredError, keras.losses.CategoricalCrossentropy):
        results[canonical[id(cls)]] = _probe_enum(
            lambda v, cls=cls: cls(reduction=v), {"eager_call": lambda loss: loss(y_true, y_pred)}, "reduction"
        )
    return results


def _enum_values(canonical, live) -> dict:
    return {
        "candidates": list(ENUM_CANDIDATES),
        "data_format": _data_format_values(canonical, live),
        "merge_mode": _merge_mode_values(),
        "padding": _padding_values(canonical, live),
        "reduction": _reduction_values(canonical),
    }


# --------------------------------------------------------------------------
# Layer.__init__ keyword arguments
# --------------------------------------------------------------------------


def _layer_base_kwargs() -> dict:
    import keras
    from keras.src.layers import layer as layer_module

    init = layer_module.Layer.__init__
    declared = [
        p.name
        for p in inspect.signature(init).parameters.values()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"
    ]
    # Extra names Layer.__init__ takes out of **kwargs (input_shape, ...).
    popped = re.findall(r"kwargs\.pop\(\s*[\"'](\w+)[\"']", inspect.getsource(init))
    if not popped:
        raise GenerationError("Layer.__init__ no longer pops any keyword from **kwargs; re-check the probe")
    candidates = sorted(set(declared) | set(popped) | set(LEGACY_LAYER_KWARGS))
    missing = [c for c in candidates if c not in LAYER_KWARG_PROBE_VALUES]
    if missing:
        raise GenerationError(f"add probe values for Layer keyword arguments {missing}")

    accepted, warn, rejected = [], [], []
    for kwarg in candidates:
        kwargs = {kwarg: LAYER_KWARG_PROBE_VALUES[kwarg]}
        outcomes = {
            (ok, bool(messages))
            for ok, messages in (
                _warns(lambda kwargs=kwargs: keras.layers.Dense(3, **kwargs)),
                _warns(lambda kwargs=kwargs: keras.layers.Layer(**kwargs)),
            )
        }
        if len(outcomes) != 1:
            raise GenerationError(f"Dense and Layer disagree about the keyword argument {kwarg!r}")
        ok, warned = outcomes.pop()
        if not ok:
            rejected.append(kwarg)
            continue
        accepted.append(kwarg)
        if warned:
            warn.append(kwarg)
    for kwarg in declared + popped:
        if kwarg not in accepted:
            raise GenerationError(f"Layer.__init__ names {kwarg!r} but a layer rejects it")
    return {
        "accepted": accepted,
        "probed_on": ["keras.layers.Dense", "keras.Layer"],
        "rejected": rejected,
        "warn": warn,
    }


# --------------------------------------------------------------------------
# Assembly, serialisation, --check
# --------------------------------------------------------------------------


def _check_tf_keras_shim() -> None:
    import tensorflow as tf

    real = tf.keras.layers.__name__
    if real != f"{TF_KERAS_REAL_PREFIX}.layers":
        raise GenerationError(f"tf.keras.layers resolves to {real}, not {TF_KERAS_REAL_PREFIX}.layers")


def build_data() -> dict:
    """Introspect and probe the installed Keras; return the JSON-ready data."""
    try:
        import keras
    except ImportError as exc:
        raise GenerationError(
            f"Keras is not importable from {sys.executable}; install it with pip install 'tensorflow-cpu==2.21.*'"
        ) from exc

    if keras.backend.backend() != "tensorflow":
        raise GenerationError(f"run with the TensorFlow backend (got {keras.backend.backend()})")
    _check_tf_keras_shim()
    live = {namespace: _collect_namespace(namespace) for namespace in NAMESPACE_ROOTS}
    canonical = _canonical_names(live)
    data = {
        "backend": keras.backend.backend(),
        "compile_extras": _compile_extras(),
        "enum_values": _enum_values(canonical, live),
        "generator": {"schema": SCHEMA_VERSION, "script": SCRIPT_NAME},
        "identifiers": _identifiers(),
        "keras_version": keras.__version__,
        "layer_base_kwargs": _layer_base_kwargs(),
        "namespaces": _namespace_entries(live, canonical),
        "signatures": _signatures(live, canonical),
    }
    # Normalise to exactly what json.load gives back (tuples -> lists).
    return json.loads(json.dumps(data))


_INLINE_WIDTH = 120


def _format(value, indent: int = 0) -> str:
    """Sorted, indented JSON that keeps short containers on one line."""
    compact = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or len(compact) + indent <= _INLINE_WIDTH or not value:
        return compact
    pad = " " * (indent + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(key, ensure_ascii=False)}: {_format(value[key], indent + 1)}"
            for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_format(item, indent + 1)}" for item in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def render(data: dict) -> str:
    return _format(data) + "\n"


def _diff_summary(old: dict, new: dict, limit: int = 40) -> list[str]:
    """Short human-readable differences between two data dicts."""
    lines: list[str] = []

    def walk(a, b, path: str) -> None:
        if len(lines) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                where = f"{path}/{key}" if path else key
                if key not in a:
                    lines.append(f"+ {where}")
                elif key not in b:
                    lines.append(f"- {where}")
                else:
                    walk(a[key], b[key], where)
                if len(lines) >= limit:
                    return
        elif isinstance(a, list) and isinstance(b, list) and a != b:
            scalars = all(not isinstance(x, (dict, list)) for x in a + b)
            if not scalars and all(isinstance(x, dict) and "name" in x for x in a + b):
                a_items, b_items = [x["name"] for x in a], [x["name"] for x in b]  # parameters
            else:
                a_items, b_items = a, b
            if (scalars or a_items is not a) and a_items != b_items:
                added = [x for x in b_items if x not in a_items]
                removed = [x for x in a_items if x not in b_items]
                change = f"added {json.dumps(added)[:100]}, removed {json.dumps(removed)[:100]}"
                if not (added or removed):
                    change = "order changed" if len(a_items) == len(b_items) else "repeated items changed"
                lines.append(f"~ {path}: {change}")
            elif len(a) == len(b):
                for index, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{path}/{index}")
            else:
                lines.append(f"~ {path}: {len(a)} items -> {len(b)} items")
        elif a != b:
            lines.append(f"~ {path}: {json.dumps(a)[:80]} -> {json.dumps(b)[:80]}")

    walk(old, new, "")
    if len(lines) >= limit:
        lines.append("... (more differences not shown)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="data file to write or check")
    parser.add_argument("--check", action="store_true", help="exit 1 if the data file is out of date")
    args = parser.parse_args(argv)

    data = build_data()
    text = render(data)
    if not args.check:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(text.encode()):,} bytes, Keras {data['keras_version']})")
        return 0

    regenerate = f"python {SCRIPT_NAME}" + ("" if args.output == DEFAULT_OUTPUT else f" --output {args.output}")
    if not args.output.exists():
        print(f"{args.output} does not exist; run: {regenerate}")
        return 1
    on_disk = args.output.read_text(encoding="utf-8")
    if on_disk == text:
        print(f"{args.output} is up to date (Keras {data['keras_version']})")
        return 0
    print(f"{args.output} differs from what Keras {data['keras_version']} produces (- on disk, + installed):")
    try:
        differences = _diff_summary(json.loads(on_disk), data) or ["(formatting only)"]
    except json.JSONDecodeError as exc:
        differences = [f"the file on disk is not valid JSON: {exc}"]
    for line in differences:
        print("  " + line)
    print(f"run: {regenerate}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
