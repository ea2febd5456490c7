"""Loader for legacy.toml: Keras 1/2 knowledge that the installed Keras 3 cannot tell us."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources


@functools.cache
def data() -> dict:
    """legacy.toml and every legacy_*.toml beside it, merged: tables are merged key by key,
    arrays of tables are concatenated (one file per rule family keeps edits apart)."""
    folder = resources.files(__package__)
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.startswith("legacy") and entry.name.endswith(".toml"))
    merged: dict = {}
    for name in names:
        with folder.joinpath(name).open("rb") as handle:
            _merge(merged, tomllib.load(handle), name)
    return merged


def _merge(into: dict, new: dict, source: str) -> None:
    for key, value in new.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, source)
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key] = into[key] + value
        else:
            raise ValueError(f"{source}: {key!r} is defined twice in the legacy tables")


@dataclass(frozen=True)
class ModuleMove:
    module: str  # the legacy module path, e.g. keras.layers.core
    moved_to: str
    removed_in: str
    names: dict[str, str]  # single names that went elsewhere

    def destination(self, name: str) -> str:
        return self.names.get(name, f"{self.moved_to}.{name}")


@functools.cache
def module_moves() -> dict[str, ModuleMove]:
    return {
        module: ModuleMove(module, entry["moved_to"], entry["removed_in"], dict(entry.get("names", {})))
        for module, entry in data().get("modules", {}).items()
    }


def module_move(module: str) -> ModuleMove | None:
    return module_moves().get(module)


@functools.cache
def removed_names(module: str) -> frozenset[str]:
    return frozenset(data().get("removed_names", {}).get(module, {}).get("names", ()))


@functools.cache
def merge_modes() -> dict[str, dict]:
    return dict(data().get("merge_modes", {}))


@dataclass(frozen=True)
class LegacyIdentifier:
    kind: str
    name: str
    replacement: str | None
    removed_in: str
    fix: str  # safe / unsafe / display-only
    why: str


@functools.cache
def legacy_identifiers() -> dict[tuple[str, str], LegacyIdentifier]:
    table: dict[tuple[str, str], LegacyIdentifier] = {}
    for entry in data().get("legacy_identifiers", ()):
        for name in entry["names"]:
            table[(entry["kind"], name)] = LegacyIdentifier(
                kind=entry["kind"],
                name=name,
                replacement=entry.get("replacement"),
                removed_in=entry["removed_in"],
                fix=entry.get("fix", "display-only"),
                why=entry.get("why", ""),
            )
    return table


def legacy_identifier(kind: str, name: str) -> LegacyIdentifier | None:
    return legacy_identifiers().get((kind, name))
