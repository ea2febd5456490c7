"""Which rules run and how: one settings object shared by the CLI, the flake8 plugin and the
language server."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace

ALL_PREFIXES = ("KRS", "ALL")
TARGET_VERSIONS = ("2", "3")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("KRS",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    # glob pattern -> codes (prefixes) ignored in matching files
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    target_keras: str = "3"
    unsafe_fixes: bool = False
    # Rule code -> its options table (e.g. {"KRS102": {"extra-metrics": [...]}}).
    rule_options: dict = field(default_factory=dict)
    # Where these settings came from (a pyproject.toml path, or "defaults").
    source: str = "defaults"

    def with_overrides(self, **changes) -> Settings:
        changes = {key: value for key, value in changes.items() if value is not None}
        return replace(self, **changes)

    def is_enabled(self, rule, filename: str | None = None) -> bool:
        code = rule.code
        selectors = [p for p in (*self.select, *self.extend_select) if _matches(code, p)]
        ignores = [p for p in (*self.ignore, *self.extend_ignore) if _matches(code, p)]
        if filename is not None:
            ignores += [p for pattern, codes in self.per_file_ignores if _path_matches(filename, pattern) for p in codes if _matches(code, p)]
        if not selectors:
            return False
        best_select = max(len(_normalise(p)) for p in selectors)
        if ignores and max(len(_normalise(p)) for p in ignores) >= best_select:
            return False
        if not rule.default_enabled and all(p.upper() in ALL_PREFIXES for p in selectors):
            return False  # opinionated rules need to be named: extend-select = ["KRS7"]
        if self.target_keras == "2" and rule.min_target == "3":
            return False
        return True

    def options_for(self, code: str) -> dict:
        return dict(self.rule_options.get(code, {}))


def _normalise(prefix: str) -> str:
    return "" if prefix.upper() == "ALL" else prefix.upper()


def _matches(code: str, prefix: str) -> bool:
    return code.startswith(_normalise(prefix))


def _path_matches(filename: str, pattern: str) -> bool:
    normalised = filename.replace("\\", "/")
    return fnmatch.fnmatch(normalised, pattern) or fnmatch.fnmatch(normalised.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatch(normalised, f"*/{pattern}")
