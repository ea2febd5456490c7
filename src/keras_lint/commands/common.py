"""What every command shares: argument parsing helpers, settings from arguments, inputs."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from keras_lint.settings import TARGET_VERSIONS, Settings

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(Exception):
    """A mistake in how keras-lint was called or configured: exit 2 with the message."""


def codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def add_lint_arguments(sub: argparse.ArgumentParser) -> None:
    """The options of the commands that lint files (check, fix, ...)."""
    sub.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input); default: .")
    sub.add_argument("--select", type=codes, help="comma-separated codes or prefixes to check (default: KRS)")
    sub.add_argument("--extend-select", type=codes, help="codes or prefixes to check in addition")
    sub.add_argument("--ignore", type=codes, help="codes or prefixes not to check")
    sub.add_argument("--target-keras", choices=TARGET_VERSIONS, help="the Keras the code must run on (default: 3)")
    sub.add_argument("--stdin-filename", help="the name to report for code read from standard input")
    sub.add_argument("--ignore-noqa", action="store_true", help="report findings even where a `# noqa` comment silences them")
    sub.add_argument("--format", choices=("concise", "json"), default="concise", help="output format")


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings()
    return settings.with_overrides(
        select=getattr(args, "select", None),
        extend_select=getattr(args, "extend_select", None),
        ignore=getattr(args, "ignore", None),
        target_keras=getattr(args, "target_keras", None),
        unsafe_fixes=True if getattr(args, "unsafe_fixes", False) else None,
    )


@dataclass
class Input:
    filename: str  # what to report
    path: str | None  # where to write back (None for stdin)
    data: bytes


def read_inputs(args: argparse.Namespace) -> list[Input]:
    from keras_lint.files import display_path, iter_python_files

    paths = args.paths or ["."]
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        return [Input(args.stdin_filename or "-", None, sys.stdin.buffer.read())]
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    inputs: list[Input] = []
    for path in iter_python_files(paths):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
        inputs.append(Input(display_path(path), path, data))
    return inputs
