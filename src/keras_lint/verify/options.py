"""The command-line options of verification, shared by `keras-lint fix --verify` and
`keras-lint verify`. Imported when the CLI starts: it must stay free of heavy imports."""

from __future__ import annotations

import argparse

from keras_lint.verify.pool import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


class _VerifiedOnly(argparse.Action):
    """`--verified-only` implies `--verify`."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.verified_only = True
        namespace.verify = True


def add_verify_arguments(parser: argparse.ArgumentParser, *, flag: bool) -> None:
    """Add the verification options; `flag` adds `--verify` itself (for `fix`)."""
    group = parser.add_argument_group("verification (runs your model-building code in TensorFlow; see docs/verify.md)")
    if flag:
        group.add_argument(
            "--verify", action="store_true",
            help="build the models each fix touches in TensorFlow before and after fixing; refuted fixes are not written",
        )
    group.add_argument(
        "--verified-only", action=_VerifiedOnly, nargs=0, default=False,
        help="verify, and write only fixes that verification confirmed (default: also those it could not check)" if flag
        else "count fixes verification could not check as failures (exit 1)",
    )
    group.add_argument("--verify-timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"time limit for building one unit (default: {DEFAULT_TIMEOUT:g})")
    group.add_argument("--verify-memory", type=_positive_int, default=DEFAULT_MEMORY_MB, metavar="MB",
                       help=f"address-space limit of each worker process (default: {DEFAULT_MEMORY_MB})")
    if "--jobs" not in parser._option_string_actions:  # `fix` already has the linting --jobs
        group.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                           help="worker processes (default: one per CPU core)")
