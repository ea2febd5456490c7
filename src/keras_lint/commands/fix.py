"""`keras-lint fix`: apply fixes."""

from __future__ import annotations

import argparse
import sys

from keras_lint.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    add_lint_arguments,
    read_inputs,
    settings_from,
)
from keras_lint.diagnostics import Finding
from keras_lint.verify.options import add_verify_arguments


def add_parser(commands) -> None:
    fix = commands.add_parser("fix", help="apply fixes (safe ones; unsafe ones too with --unsafe-fixes)")
    add_lint_arguments(fix)
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true", help="print the changes as a diff and write nothing; exit 1 when a file would change")
    add_verify_arguments(fix, flag=True)
    fix.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "verify", False):
        from keras_lint.verify.cli import run_fix_with_verification

        return run_fix_with_verification(args)
    from keras_lint.engine import lint_bytes
    from keras_lint.fixer import fix_text
    from keras_lint.reporting import concise_line, findings_to_json, unified_diff
    from keras_lint.source import (
        PREFILTER_BYTES,
        SourceDecodeError,
        decode_source,
        write_atomic,
    )

    settings = settings_from(args)
    unsafe = bool(args.unsafe_fixes)
    remaining: list[tuple[Finding, str | None]] = []
    errors: list[str] = []
    fixed_count = 0
    changed_files = 0
    inputs = read_inputs(args)
    for item in inputs:
        if PREFILTER_BYTES not in item.data:
            if item.path is None:
                sys.stdout.buffer.write(item.data)
            continue
        try:
            source = decode_source(item.data)
        except SourceDecodeError:
            result = lint_bytes(item.data, item.filename, settings)
            remaining.extend((f, None) for f in result.findings)
            if item.path is None:
                sys.stdout.buffer.write(item.data)
            continue
        outcome = fix_text(source.text, item.filename, settings, unsafe=unsafe, respect_noqa=not args.ignore_noqa)
        if outcome.error:
            errors.append(f"{item.filename}: {outcome.error}")
        if outcome.remaining is not None:
            errors.extend(outcome.remaining.internal_errors)
            remaining.extend((f, outcome.text) for f in outcome.remaining.findings)
        if outcome.changed:
            fixed_count += len(outcome.applied)
            changed_files += 1
            if args.diff:
                sys.stdout.write(unified_diff(item.filename, outcome.original, outcome.text))
            elif item.path is not None:
                write_atomic(item.path, source.encode(outcome.text))
        if item.path is None and not args.diff:
            sys.stdout.buffer.write(source.encode(outcome.text))
    stdin_mode = any(item.path is None for item in inputs)
    report = sys.stderr if (stdin_mode and not args.diff) or args.diff else sys.stdout
    if args.format == "json" and not args.diff and not stdin_mode:
        print(findings_to_json(remaining))
    else:
        if not args.diff:
            for finding, _ in sorted(remaining, key=lambda pair: pair[0].sort_key):
                print(concise_line(finding), file=report)
        verb = "Would fix" if args.diff else "Fixed"
        print(f"{verb} {fixed_count} finding{'s' if fixed_count != 1 else ''} in {changed_files} file{'s' if changed_files != 1 else ''}; "
              f"{len(remaining)} remaining.", file=report)
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if changed_files else EXIT_CLEAN
    return EXIT_FINDINGS if remaining else EXIT_CLEAN


