"""Which files a run looks at."""

from __future__ import annotations

import os
from collections.abc import Iterator

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


def iter_python_files(paths: list[str]) -> Iterator[str]:
    """Python files under the given paths, in a stable order. A file named explicitly is always
    included; folders are walked, skipping VCS, virtualenv and build folders."""
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in SKIPPED_DIRECTORIES and not d.endswith(".egg-info") and not _is_virtualenv(os.path.join(root, d))
                )
                for name in sorted(files):
                    if name.endswith(PYTHON_SUFFIXES):
                        yield os.path.join(root, name)
        else:
            yield path


def display_path(path: str) -> str:
    """Paths relative to the working directory when inside it, as linters print them."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
