"""Which rules run and how: one settings object shared by the CLI, the flake8 plugin and the
language server."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from dataclasses import dataclass, field, fields, replace

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
    # Codes (prefixes) whose fixes count as safe / as unsafe whatever the rule says.
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    # Which files a run looks at; these do not change the findings of a file.
    respect_gitignore: bool = True
    force_exclude: bool = False
    # The folder that per-file-ignores and exclude patterns are relative to (the config's).
    root: str = ""

    def with_overrides(self, **changes) -> Settings:
        changes = {key: value for key, value in changes.items() if value is not None}
        return replace(self, **changes)

    def is_enabled(self, rule, filename: str | None = None) -> bool:
        code = rule.code
        selectors = [p for p in (*self.select, *self.extend_select) if _matches(code, p)]
        ignores = [p for p in (*self.ignore, *self.extend_ignore) if _matches(code, p)]
        if filename is not None:
            ignores += [p for pattern, codes in self.per_file_ignores if self._path_matches(filename, pattern) for p in codes if _matches(code, p)]
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

    def fix_applicability(self, code: str, applicability):
        """A fix's applicability after `extend-safe-fixes` / `extend-unsafe-fixes`
        (unsafe wins when both name the code); display-only fixes stay display-only."""
        from keras_lint.diagnostics import Applicability

        if applicability is Applicability.SAFE and any(_matches(code, p) for p in self.extend_unsafe_fixes):
            return Applicability.UNSAFE
        if applicability is Applicability.UNSAFE and any(_matches(code, p) for p in self.extend_safe_fixes):
            if not any(_matches(code, p) for p in self.extend_unsafe_fixes):
                return Applicability.SAFE
        return applicability

    def is_excluded(self, path: str) -> bool:
        """Whether `exclude` / `extend-exclude` name this file or folder."""
        patterns = (*self.exclude, *self.extend_exclude)
        return bool(patterns) and any(self._path_matches(path, pattern) for pattern in patterns)

    def fingerprint(self) -> str:
        """A short hash of everything a file's findings depend on (for the result cache)."""
        relevant = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_IN_FINGERPRINT}
        data = json.dumps(relevant, sort_keys=True, default=list)
        return hashlib.sha256(data.encode()).hexdigest()[:20]

    def _path_matches(self, filename: str, pattern: str) -> bool:
        if _path_matches(filename, pattern):
            return True
        if self.root:
            try:
                relative = os.path.relpath(os.path.abspath(filename), self.root)
            except ValueError:  # another drive on Windows
                return False
            return not relative.startswith("..") and _path_matches(relative, pattern)
        return False


_NOT_IN_FINGERPRINT = frozenset({"source", "exclude", "extend_exclude", "respect_gitignore", "force_exclude"})


def _normalise(prefix: str) -> str:
    return "" if prefix.upper() == "ALL" else prefix.upper()


def _matches(code: str, prefix: str) -> bool:
    return code.startswith(_normalise(prefix))


def _path_matches(filename: str, pattern: str) -> bool:
    normalised = filename.replace("\\", "/")
    return fnmatch.fnmatch(normalised, pattern) or fnmatch.fnmatch(normalised.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatch(normalised, f"*/{pattern}")
