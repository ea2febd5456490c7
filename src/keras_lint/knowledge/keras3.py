"""What keras-lint knows about the Keras 3 API, read from ``keras3.json``.

The data is generated from the installed Keras by
``scripts/generate_keras_data.py`` (see its docstring for how every part is
derived).  This module imports only the standard library: the lint path must
never import TensorFlow or Keras.

Names are spelled ``keras.xxx``.  ``namespace`` selects which API they are
looked up in: ``"keras"`` (plain ``import keras``) or ``"tf.keras"`` (the
tf.keras shim of TF 2.16+, i.e. ``keras._tf_keras.keras``, which adds legacy
names such as ``keras.preprocessing.image.ImageDataGenerator``).  A qualname
starting with ``tf.keras.`` selects the tf.keras namespace by itself.

Canonical names (the ``target`` of an export) always say where they live: a
``keras.x`` target is a plain-keras name, even when it is the target of a
tf.keras export (``tf.keras.losses.KLD`` -> ``keras.metrics.kl_divergence``,
which the shim itself does not export); objects that exist only in the shim
get a ``tf.keras.x`` target (``tf.keras.backend.mean``).  So
``canonical(target)`` and ``signature(target)`` need no namespace argument.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NON_LITERAL",
    "NO_DEFAULT",
    "Param",
    "Signature",
    "accepts_identifier",
    "canonical",
    "compile_extras",
    "data",
    "enum_values",
    "identifier_case_insensitive",
    "identifiers",
    "is_module",
    "keras_version",
    "layer_base_kwargs",
    "layer_base_kwargs_warn",
    "lookup",
    "module_exports",
    "signature",
]

DATA_FILE = "keras3.json"
NAMESPACES = ("keras", "tf.keras")
_TF_KERAS_PREFIX = "tf.keras."


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:  # keep identity through copy/pickle
        return self._name


NON_LITERAL = _Sentinel("NON_LITERAL")
"""Default of a parameter whose default value is not a JSON-able literal."""

NO_DEFAULT = _Sentinel("NO_DEFAULT")
"""Default of a required parameter (it has none)."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "positional_only" | "positional_or_keyword" | "keyword_only"
    required: bool
    default: Any = NO_DEFAULT
    default_repr: str | None = None


@dataclass(frozen=True)
class Signature:
    params: tuple[Param, ...]
    var_positional: str | None = None
    var_keyword: str | None = None

    def positional_names(self) -> tuple[str, ...]:
        """Parameters that can be passed positionally, in order."""
        return tuple(p.name for p in self.params if p.kind != "keyword_only")

    def keyword_names(self) -> frozenset[str]:
        """Every name accepted as a keyword (not counting ``**kwargs``)."""
        return frozenset(p.name for p in self.params if p.kind != "positional_only")

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


@functools.cache
def data() -> dict:
    """The raw JSON data (shared: do not mutate)."""
    import importlib.resources  # deferred: it costs more to import than json

    text = importlib.resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def keras_version() -> str:
    return data()["keras_version"]


def _resolve_namespace(qualname: str, namespace: str) -> tuple[str, str]:
    if qualname == "tf.keras" or qualname.startswith(_TF_KERAS_PREFIX):
        return "tf.keras", qualname[len("tf.") :]
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {namespace!r}; expected one of {NAMESPACES}")
    return namespace, qualname


def module_exports(module: str, namespace: str = "keras") -> dict[str, dict] | None:
    """Public names of a Keras module -> {"kind", "target"}; None if no such module."""
    namespace, module = _resolve_namespace(module, namespace)
    return data()["namespaces"][namespace].get(module)


def is_module(qualname: str, namespace: str = "keras") -> bool:
    return module_exports(qualname, namespace) is not None


def lookup(qualname: str, namespace: str = "keras") -> dict | None:
    """The export entry for a public name such as ``keras.layers.Dense``."""
    namespace, qualname = _resolve_namespace(qualname, namespace)
    module, _, name = qualname.rpartition(".")
    exports = module_exports(module, namespace) if module else None
    return None if exports is None else exports.get(name)


def canonical(qualname: str, namespace: str = "keras") -> str | None:
    """The primary public name of the object behind ``qualname``, or None.

    ``canonical("keras.layers.Convolution2D") == "keras.layers.Conv2D"``.
    """
    entry = lookup(qualname, namespace)
    return None if entry is None else entry["target"]


def _decode_default(encoded: Any) -> Any:
    if isinstance(encoded, dict):
        if "tuple" in encoded:
            items = [_decode_default(item) for item in encoded["tuple"]]
            return NON_LITERAL if NON_LITERAL in items else tuple(items)
        return NON_LITERAL
    return encoded


def _decode_param(raw: dict) -> Param:
    if raw["required"]:
        return Param(raw["name"], raw["kind"], True)
    default = _decode_default(raw["default"])
    if default is NON_LITERAL:
        default_repr = raw["default"].get("repr", repr(raw["default"]))
    else:
        default_repr = repr(default)
    return Param(raw["name"], raw["kind"], False, default, default_repr)


@functools.cache
def _signature_for_key(key: str) -> Signature | None:
    raw = data()["signatures"].get(key)
    if raw is None:
        return None
    return Signature(
        params=tuple(_decode_param(p) for p in raw["params"]),
        var_positional=raw["var_positional"],
        var_keyword=raw["var_keyword"],
    )


def signature(qualname: str, namespace: str = "keras") -> Signature | None:
    """Call signature of a class (its ``__init__`` without ``self``) or function.

    Aliases resolve through ``canonical``.  Model methods are available as
    ``keras.Model.fit`` etc. (also reachable as ``keras.models.Model.fit``).
    """
    target = canonical(qualname, namespace)
    if target is not None:
        return _signature_for_key(target)
    found = _signature_for_key(qualname)
    if found is not None:
        return found
    owner, _, member = qualname.rpartition(".")
    owner_target = canonical(owner, namespace) if owner else None
    return None if owner_target is None else _signature_for_key(f"{owner_target}.{member}")


def layer_base_kwargs() -> frozenset[str]:
    """Keyword arguments every layer accepts through ``Layer.__init__(**kwargs)``."""
    return frozenset(data()["layer_base_kwargs"]["accepted"])


def layer_base_kwargs_warn() -> frozenset[str]:
    """The subset of ``layer_base_kwargs()`` that is accepted with a warning."""
    return frozenset(data()["layer_base_kwargs"]["warn"])


IDENTIFIER_KINDS = ("activations", "constraints", "initializers", "losses", "metrics", "optimizers", "regularizers")


def identifiers(kind: str) -> frozenset[str]:
    """Strings accepted by ``keras.<kind>.get``.

    Lookup is case-sensitive except for optimizers, whose names are stored in
    lowercase and matched case-insensitively (``identifier_case_insensitive``).
    """
    return frozenset(_identifier_data(kind)["accepted"])


def identifier_case_insensitive(kind: str) -> bool:
    return _identifier_data(kind)["case_insensitive"]


def accepts_identifier(kind: str, text: str) -> bool:
    """Would ``keras.<kind>.get(text)`` accept this string?"""
    if identifier_case_insensitive(kind):
        text = text.lower()
    return text in identifiers(kind)


def _identifier_data(kind: str) -> dict:
    try:
        return data()["identifiers"][kind]
    except KeyError:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {IDENTIFIER_KINDS}") from None


def compile_extras() -> dict:
    """Strings ``Model.compile`` accepts beyond ``get()``, matched case-insensitively.

    ``{"metrics_case_insensitive": [...], "losses_case_insensitive": [...]}``.
    """
    return data()["compile_extras"]


ENUM_KINDS = ("data_format", "merge_mode", "padding", "reduction")


def enum_values(kind: str) -> dict:
    """Probed values of an enum-valued argument.

    ``padding``, ``merge_mode`` and ``reduction`` map the canonical class name
    to ``{"accepted", "case_insensitive", "normalized", "rejected_at"}``;
    ``rejected_at`` maps each probed stage (``construction``,
    ``symbolic_call`` = while building a model on ``keras.Input``,
    ``eager_call``) to the values that failed there.  ``data_format`` is
    ``{"by_layer": {class: result}, "not_probed": [...]}`` (construction only).
    ``None`` in a value list is the Python value None.
    """
    if kind not in ENUM_KINDS:
        raise ValueError(f"unknown enum kind {kind!r}; expected one of {ENUM_KINDS}")
    return data()["enum_values"][kind]
