"""Keras 1/2 layer and import-path knowledge (legacy_layers.toml, legacy_imports.toml), read
through the merged legacy tables of `legacy.data()`. Standard library only."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from keras_lint.knowledge import keras3, legacy


@dataclass(frozen=True)
class ValueMap:
    keyword: str
    mapping: dict[str, object]  # Keras 1 value -> Keras 2+ value
    remove: frozenset[str]  # Keras 1 values that mean the Keras 2+ default


@dataclass(frozen=True)
class Converter:
    """One Keras 2 legacy-support converter (catalog 1.2) for layers."""

    name: str
    classes: tuple[str, ...]
    positional: tuple[str, ...] | None  # Keras 2's allowed positional arguments; None: no limit
    renames: dict[str, str]  # Keras 1 keyword -> Keras 2+ keyword
    kernel: str | None = None  # "2d", "3d", "transpose2d"
    input_dim_to_shape: bool = False
    recurrent: bool = False
    init_to: tuple[str, ...] = ()  # SeparableConv2D: init -> several initializers
    padding_dict: tuple[str, ...] = ()  # ZeroPadding2D: dict keys in Keras 1 order
    keras1_positional: tuple[str, ...] = ()  # Keras 1 positional order, where it matters


@dataclass(frozen=True)
class RemovedLayer:
    name: str
    removed_in: str
    rewrite: str  # rename | wrap_dense | thresholded_relu | synchronized | none
    why: str
    replacement: str | None = None
    renames: dict[str, str] = field(default_factory=dict)
    fix: str = "display-only"
    shim: str | None = None
    kernel: str | None = None


@functools.cache
def value_maps() -> dict[str, ValueMap]:
    return {
        keyword: ValueMap(keyword, dict(entry.get("map", {})), frozenset(entry.get("remove", ())))
        for keyword, entry in legacy.data().get("layer_value_maps", {}).items()
    }


@functools.cache
def converters() -> tuple[Converter, ...]:
    data = legacy.data()
    groups = data.get("layer_rename_groups", {})
    result = []
    for name, entry in data.get("layer_converters", {}).items():
        renames: dict[str, str] = {}
        for group in entry.get("groups", ()):
            renames.update(groups[group])
        renames.update(entry.get("renames", {}))
        positional = entry.get("positional")
        result.append(
            Converter(
                name=name,
                classes=tuple(entry["classes"]),
                positional=tuple(positional) if positional is not None else None,
                renames=renames,
                kernel=entry.get("kernel"),
                input_dim_to_shape=bool(entry.get("input_dim_to_shape", False)),
                recurrent=bool(entry.get("recurrent", False)),
                init_to=tuple(entry.get("init_to", ())),
                padding_dict=tuple(entry.get("padding_dict", ())),
                keras1_positional=tuple(entry.get("keras1_positional", ())),
            )
        )
    return tuple(result)


@functools.cache
def _converters_by_class() -> dict[str, Converter]:
    return {cls: converter for converter in converters() for cls in converter.classes}


def converter_for(path: str | None) -> Converter | None:
    """The converter of a canonical class path (keras.layers.Conv2D, or a removed name such as
    keras.layers.Deconvolution2D)."""
    if path is None:
        return None
    found = _converters_by_class().get(path)
    if found is None:
        primary = keras3.canonical(path)
        if primary is not None:
            found = _converters_by_class().get(primary)
    return found


@functools.cache
def removed_layers() -> dict[str, RemovedLayer]:
    return {
        name: RemovedLayer(
            name=name,
            removed_in=entry["removed_in"],
            rewrite=entry.get("rewrite", "none"),
            why=entry.get("why", ""),
            replacement=entry.get("replacement"),
            renames=dict(entry.get("renames", {})),
            fix=entry.get("fix", "display-only"),
            shim=entry.get("shim"),
            kernel=entry.get("kernel"),
        )
        for name, entry in legacy.data().get("removed_layers", {}).items()
    }


# -- import paths -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyModule:
    path: str  # keras.utils.np_utils
    moved_to: str  # keras.utils
    removed_in: str
    names: dict[str, str]  # single names that went elsewhere: name -> full Keras path
    keras2_roots: tuple[str, ...]
    style: str  # "names" or "module"
    calls_changed: bool
    name_in_parent: bool = False  # its parent module also exports a name spelled like it

    def destination(self, name: str) -> str:
        return self.names.get(name, f"{self.moved_to}.{name}")


@functools.cache
def legacy_modules() -> dict[str, LegacyModule]:
    result = {}
    for module, entry in legacy.data().get("modules", {}).items():
        if "moved_to" not in entry:
            continue
        result[module] = LegacyModule(
            path=module,
            moved_to=entry["moved_to"],
            removed_in=entry.get("removed_in", "3.0"),
            names=dict(entry.get("names", {})),
            keras2_roots=tuple(entry.get("keras2_roots", ("keras", "tensorflow.keras", "tf_keras"))),
            style=entry.get("style", "names"),
            calls_changed=bool(entry.get("calls_changed", False)),
            name_in_parent=bool(entry.get("name_in_parent", False)),
        )
    return result


@dataclass(frozen=True)
class ShimOnly:
    module: str
    names: frozenset[str]
    why: str


@functools.cache
def shim_only_names() -> dict[str, ShimOnly]:
    """module path -> the names only the tf.keras shim still has there."""
    return {entry["module"]: ShimOnly(entry["module"], frozenset(entry["names"]), entry["why"]) for entry in legacy.data().get("shim_only_names", ())}


@functools.cache
def preferred_paths() -> dict[str, tuple[str, frozenset[str]]]:
    """module -> (preferred module, names): names Keras 3 still exports from an old module."""
    return {module: (entry["moved_to"], frozenset(entry["names"])) for module, entry in legacy.data().get("preferred_paths", {}).items()}


@dataclass(frozen=True)
class RemovedFunction:
    path: str  # keras.constraints.maxnorm
    replacement: str | None
    renames: dict[str, str]
    positional: tuple[str, ...]
    defaults: dict[str, str]  # Keras 1 defaults to write out (source text)
    activity: bool
    removed_in: str
    fix: str
    why: str


@functools.cache
def removed_functions() -> dict[str, RemovedFunction]:
    return {
        path: RemovedFunction(
            path=path,
            replacement=entry.get("replacement"),
            renames=dict(entry.get("renames", {})),
            positional=tuple(entry.get("positional", ())),
            defaults=dict(entry.get("defaults", {})),
            activity=bool(entry.get("activity", False)),
            removed_in=entry["removed_in"],
            fix=entry.get("fix", "display-only"),
            why=entry.get("why", ""),
        )
        for path, entry in legacy.data().get("removed_functions", {}).items()
    }
