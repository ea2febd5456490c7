"""Which files a run looks at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keras_lint.config import ConfigResolver

# Folders that never hold the user's own code.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".eggs", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".keras_lint_cache", "node_modules",
        "build", "dist", "site-packages", ".ipynb_checkpoints", ".hypothesis",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def _skipped_directory(root: str, name: str) -> bool:
    return name in SKIPPED_DIRECTORIES or name.endswith(".egg-info") or _is_virtualenv(os.path.join(root, name))


def iter_python_files(paths: list[str]) -> Iterator[str]:
    """Python files under the given paths, in a stable order. A file named explicitly is always
    included; folders are walked, skipping VCS, virtualenv and build folders."""
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skipped_directory(root, d))
                for name in sorted(files):
                    if name.endswith(PYTHON_SUFFIXES):
                        yield os.path.join(root, name)
        else:
            yield path


def discover_files(paths: list[str], resolver: ConfigResolver, *, force_exclude: bool | None = None) -> list[str]:
    """The Python files to check under `paths`, in a stable order, without duplicates.

    Folders are walked skipping VCS, virtualenv and build folders, what `exclude` /
    `extend-exclude` name (in the configuration that applies to each folder) and, with
    `respect-gitignore` (the default), what .gitignore ignores. A file named explicitly is always
    checked, unless `force-exclude` is on and an exclude pattern (or a skipped folder) covers it:
    pre-commit passes every changed file explicitly.
    """
    from keras_lint.gitignore import GitIgnore

    gitignore = GitIgnore()
    seen: set[str] = set()
    result: list[str] = []

    def add(path: str) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            result.append(path)

    for path in paths:
        if not os.path.isdir(path):
            settings = resolver.settings_for(path)
            forced = settings.force_exclude if force_exclude is None else force_exclude
            if forced and _excluded_explicit(path, resolver):
                continue
            add(path)
            continue
        top = path
        for root, dirs, files in os.walk(path):
            settings = resolver.settings_for(root)
            kept = []
            for name in sorted(dirs):
                full = os.path.join(root, name)
                if _skipped_directory(root, name) or settings.is_excluded(full):
                    continue
                if settings.respect_gitignore and gitignore.ignored(full, True, top):
                    continue
                kept.append(name)
            dirs[:] = kept
            for name in sorted(files):
                if not name.endswith(PYTHON_SUFFIXES):
                    continue
                full = os.path.join(root, name)
                if settings.is_excluded(full):
                    continue
                if settings.respect_gitignore and gitignore.ignored(full, False, top):
                    continue
                add(full)
    return result


def _excluded_explicit(path: str, resolver: ConfigResolver) -> bool:
    """--force-exclude: whether the file, or a folder it is in, is excluded."""
    settings = resolver.settings_for(path)
    if settings.is_excluded(path):
        return True
    absolute = os.path.abspath(path)
    folder = os.path.dirname(absolute)
    # Look up the folders above the file, up to the configuration's root (or the working folder).
    stop = settings.root or os.getcwd()
    while folder != stop and folder.startswith(stop + os.sep):
        name = os.path.basename(folder)
        if _skipped_directory(os.path.dirname(folder), name) or resolver.settings_for(folder).is_excluded(folder):
            return True
        folder = os.path.dirname(folder)
    return False


def display_path(path: str) -> str:
    """Paths relative to the working directory when inside it, as linters print them."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
