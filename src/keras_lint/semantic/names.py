"""Canonical Keras names: every way of spelling a Keras object folded into one `keras.` path.

`tf.keras.layers.Dense`, `tensorflow.python.keras.layers.Dense`, `tf_keras.layers.Dense`,
`keras.layers.core.Dense` and `keras.src.layers.core.dense.Dense` are all
`keras.layers.Dense`; what was written, and which Keras it came from, is kept beside it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from keras_lint.knowledge import keras3, legacy

# Longest first. The flavour tells rules which Keras the code was written against.
_ROOTS: tuple[tuple[str, str], ...] = (
    ("keras._tf_keras.keras", "tf.keras"),
    ("tensorflow.compat.v1.keras", "tf.keras"),
    ("tensorflow.compat.v2.keras", "tf.keras"),
    ("tensorflow.python.keras", "tensorflow.python.keras"),
    ("tensorflow.keras", "tf.keras"),
    ("tf_keras", "tf_keras"),
    ("keras.src", "keras.src"),
    ("keras", "keras"),
)


@dataclass(frozen=True)
class KerasName:
    path: str  # canonical spelling, e.g. keras.layers.Convolution2D (aliases are kept)
    flavour: str  # keras | tf.keras | tf_keras | tensorflow.python.keras | keras.src
    written: str  # the dotted path as the code imported it
    legacy_module: str | None = None  # the moved Keras 1/2 module the path went through

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def module(self) -> str:
        return self.path.rsplit(".", 1)[0]

    @property
    def api(self) -> str | None:
        """The primary Keras 3 name of the object (keras.layers.Conv2D for Convolution2D), or
        None when Keras 3 has no such object."""
        return keras3.canonical(self.path)

    def is_(self, *paths: str) -> bool:
        if self.path in paths:
            return True
        api = self.api
        return api is not None and api in paths


def _split_root(path: str) -> tuple[str, str] | None:
    for root, flavour in _ROOTS:
        if path == root or path.startswith(root + "."):
            return flavour, path[len(root) :]
    return None


@functools.lru_cache(maxsize=8192)
def keras_name(path: str | None) -> KerasName | None:
    """The canonical Keras name for a dotted import path, or None when it is not Keras."""
    if not path:
        return None
    split = _split_root(path)
    if split is None:
        return None
    flavour, rest = split
    canonical = "keras" + rest
    if flavour == "keras.src":
        canonical = _public_path_for_internal(rest)
    legacy_module = None
    parts = canonical.split(".")
    # Fold moved Keras 1/2 modules: keras.layers.core.Dense -> keras.layers.Dense.
    for cut in range(len(parts), 1, -1):
        module = ".".join(parts[:cut])
        move = legacy.module_move(module)
        if move is not None and cut == len(parts) and _is_name_in_parent(module):
            # keras.layers.merge is Keras 1's merge() function, not the Keras 2 module.
            break
        if move is not None:
            legacy_module = module
            remainder = parts[cut:]
            if not remainder:
                canonical = move.moved_to
            else:
                canonical = ".".join([move.destination(remainder[0]), *remainder[1:]])
            break
    return KerasName(path=canonical, flavour=flavour, written=path, legacy_module=legacy_module)


def _is_name_in_parent(path: str) -> bool:
    parent, name = path.rsplit(".", 1)
    exports = keras3.module_exports(parent)
    return bool((exports is not None and name in exports) or name in legacy.removed_names(parent))


def _public_path_for_internal(rest: str) -> str:
    """keras.src.layers.core.dense.Dense -> keras.layers.Dense when keras.layers exports
    Dense; internal names with no public twin stay under keras.src."""
    parts = [p for p in rest.split(".") if p]
    if not parts:
        return "keras"
    public_module = f"keras.{parts[0]}"
    if len(parts) == 1:
        return public_module if keras3.is_module(public_module) else "keras.src." + parts[0]
    exports = keras3.module_exports(public_module)
    if exports is not None and parts[-1] in exports:
        return f"{public_module}.{parts[-1]}"
    return "keras.src." + ".".join(parts)


@functools.lru_cache(maxsize=1024)
def star_exports(module_path: str) -> frozenset[str] | None:
    """The names `from <module_path> import *` provides, or None when we cannot know them
    (a module that is not Keras, or not known to us)."""
    name = keras_name(module_path)
    if name is None:
        return None
    names: set[str] = set()
    found = False
    namespaces = ("keras", "tf.keras") if name.flavour in ("tf.keras", "tf_keras", "tensorflow.python.keras") else ("keras",)
    for namespace in namespaces:
        exports = keras3.module_exports(name.path, namespace)
        if exports is not None:
            names.update(exports)
            found = True
    removed = legacy.removed_names(name.path)
    if removed:
        names.update(removed)
        found = True
    return frozenset(names) if found else None
