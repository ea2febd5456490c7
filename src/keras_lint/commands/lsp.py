"""`keras-lint lsp`: the language server, over standard input and output."""

from __future__ import annotations

import argparse

from keras_lint.commands.common import EXIT_CLEAN, UsageError


def add_parser(commands) -> None:
    lsp = commands.add_parser(
        "lsp",
        help="run the language server (diagnostics and quick fixes in editors)",
        description="Run the keras-lint language server over standard input/output. Needs the `lsp` extra: "
        "pip install 'keras-lint[lsp]'.",
    )
    lsp.add_argument("--stdio", action="store_true", help="talk over standard input/output (the default; accepted for editors that pass it)")
    lsp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError("the language server needs pygls: pip install 'keras-lint[lsp]'") from None
    from keras_lint.lsp import main

    main()
    return EXIT_CLEAN
