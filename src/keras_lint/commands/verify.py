"""`keras-lint verify`: build the models each fix touches in TensorFlow, before and after the
fix, and report each fix as verified, refuted or unverifiable. Writes nothing."""

from __future__ import annotations

import argparse

from keras_lint.commands.common import add_lint_arguments
from keras_lint.verify.options import add_verify_arguments


def add_parser(commands) -> None:
    verify = commands.add_parser(
        "verify",
        help="build the models the fixes touch in TensorFlow and report each fix as verified, refuted or unverifiable",
        description="Runs your model-building code (never training, data loading or I/O) in TensorFlow worker "
        "processes; see docs/verify.md.",
    )
    add_lint_arguments(verify)
    verify.add_argument("--unsafe-fixes", action="store_true", help="verify unsafe fixes too")
    add_verify_arguments(verify, flag=False)
    verify.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from keras_lint.verify.cli import run_verify

    return run_verify(args)
