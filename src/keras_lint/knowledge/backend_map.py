"""The Keras 2 backend (`K.*`) and its Keras 3 replacements.

The hand-kept Keras 2 semantics are in legacy_backend.toml; which functions are native, shim-only
or gone, and both signatures, come from keras3.json (generated from the installed Keras). This
module joins them; it imports only the standard library and keras_lint's own loaders.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from keras_lint.knowledge import keras3, legacy


@dataclass(frozen=True)
class BackendFunction:
    name: str
    status: str  # "native" | "shim" | "gone"
    targets: tuple[str, ...] = ()  # replacement paths, tried in order
    args: dict = field(default_factory=dict)  # Keras 2 parameter -> replacement parameter
    add: dict = field(default_factory=dict)  # replacement parameter -> source text
    defaults: dict = field(default_factory=dict)  # Keras 2 parameter -> source text of its default
    same_defaults: frozenset[str] = frozenset()
    template: str | None = None
    atomic: frozenset[str] = frozenset()
    fix: str = "safe"
    unsafe_if: frozenset[str] = frozenset()
    unsupported: frozenset[str] = frozenset()
    int_args: frozenset[str] = frozenset()
    subscript_safe: bool = False
    note: str = ""

    @property
    def removed_from_tf_keras2(self) -> bool:
        """Whether tf.keras 2.x's `tf.keras.backend` already lacked it."""
        return self.name in _table().get("gone_before_tf_keras2", ())


def _table() -> dict:
    return legacy.data().get("backend", {})


@functools.cache
def native_names() -> frozenset[str]:
    return frozenset(keras3.module_exports("keras.backend") or ())


@functools.cache
def shim_names() -> frozenset[str]:
    """Functions only the deprecated tf.keras.backend shim still has (TensorFlow only)."""
    shim = keras3.module_exports("keras.backend", "tf.keras") or {}
    return frozenset(name for name, entry in shim.items() if entry.get("kind") == "function") - native_names()


@functools.cache
def gone_names() -> frozenset[str]:
    return frozenset(_table().get("gone", ()))


def crossentropy_names() -> frozenset[str]:
    return frozenset(_table().get("crossentropy", ()))


def gone_note(name: str) -> str:
    return _table().get("gone_notes", {}).get(name, "")


@functools.cache
def function(name: str) -> BackendFunction | None:
    """What keras-lint knows about `keras.backend.<name>` (None: not a Keras 2 backend name)."""
    if name in native_names():
        return BackendFunction(name, "native")
    if name in gone_names():
        return BackendFunction(name, "gone", fix="display-only", note=gone_note(name))
    if name not in shim_names():
        return None
    entry = _table().get("functions", {}).get(name, {})
    to = entry.get("to")
    if to is None:
        targets: tuple[str, ...] = (f"keras.ops.{name}",) if keras3.lookup(f"keras.ops.{name}") else ()
    else:
        targets = (to,) if isinstance(to, str) else tuple(to)
    fix = entry.get("fix", "safe" if targets or entry.get("template") else "display-only")
    return BackendFunction(
        name=name,
        status="shim",
        targets=targets,
        args=dict(entry.get("args", {})),
        add=dict(entry.get("add", {})),
        defaults=dict(entry.get("defaults", {})),
        same_defaults=frozenset(entry.get("same_defaults", ())),
        template=entry.get("template"),
        atomic=frozenset(entry.get("atomic", ("x",) if entry.get("template") and entry["template"].count("{x}") > 1 else ())),
        fix=fix,
        unsafe_if=frozenset(entry.get("unsafe_if", ())),
        unsupported=frozenset(entry.get("unsupported", ())),
        int_args=frozenset(entry.get("int_args", ())),
        subscript_safe=bool(entry.get("subscript_safe", False)),
        note=entry.get("note", ""),
    )


def keras2_signature(name: str) -> keras3.Signature | None:
    """The tf.keras 2.15 signature of K.<name>, as the tf.keras shim still has it."""
    return keras3.signature(f"tf.keras.backend.{name}")


def all_keras2_names() -> frozenset[str]:
    """The 149 functions of tf.keras 2.15's keras.backend (catalog §2.6)."""
    new_in_keras3 = frozenset(_table().get("new_in_keras3", ()))
    return (native_names() - new_in_keras3) | shim_names() | gone_names()
