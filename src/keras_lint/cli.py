"""The `keras-lint` command.

Exit codes: 0 nothing found, 1 findings remain, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from keras_lint import __version__
from keras_lint.commands import COMMAND_MODULES
from keras_lint.commands.common import EXIT_ERROR, UsageError
from keras_lint.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-lint",
        description="Find and fix bugs in Keras model-building code without running it.",
    )
    parser.add_argument("--version", action="version", version=f"keras-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"keras_lint.commands.{name}").add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        return args.run(args)
    except (UsageError, ConfigError) as exc:
        print(f"keras-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # last resort: never a traceback for the user
        print(f"keras-lint: internal error: {type(exc).__name__}: {exc}. Please report this.", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
