"""`keras-lint fix`: apply fixes.

Exit codes: 0 nothing remains, 1 findings remain (or, with --exit-non-zero-on-fix, a file was
changed; with --diff, a file would change), 2 error. From standard input the fixed code goes to
standard output and the report to standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from keras_lint.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OutputStream,
    add_lint_arguments,
    add_unsafe_fixes_argument,
    cache_from,
    jobs_from,
    output_format,
    read_inputs,
    report_root,
    resolver_from,
    settings_from,
    show_files,
    show_settings,
)
from keras_lint.verify.options import add_verify_arguments


def add_parser(commands) -> None:
    fix = commands.add_parser("fix", help="apply fixes (safe ones; unsafe ones too with --unsafe-fixes)",
                              description="Apply fixes. Exit 0: nothing remains; 1: findings remain; 2: error.")
    add_lint_arguments(fix)
    add_unsafe_fixes_argument(fix, "also apply unsafe fixes (--no-unsafe-fixes overrides unsafe-fixes = true)")
    fix.add_argument("--diff", action="store_true", help="print the changes as a diff and write nothing; exit 1 when a file would change")
    fix.add_argument("--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was changed, even if nothing remains")
    fix.add_argument("--show-fixes", action="store_true", help="list what was fixed")
    add_verify_arguments(fix, flag=True)
    fix.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.show_settings:
        return show_settings(args)
    if args.show_files:
        return show_files(args)
    if getattr(args, "verify", False):
        from keras_lint.verify.cli import run_fix_with_verification

        return run_fix_with_verification(args)
    return run_fix(args)


def run_fix(args: argparse.Namespace) -> int:
    from keras_lint.formats import Report, write_report, write_statistics
    from keras_lint.reporting import unified_diff
    from keras_lint.runner import fix_inputs
    from keras_lint.source import write_atomic

    resolver = resolver_from(args)
    format_name = output_format(args)
    inputs = read_inputs(args)
    cache = cache_from(args)
    results = fix_inputs(inputs, resolver, unsafe=args.unsafe_fixes, respect_noqa=not args.ignore_noqa, cache=cache, workers=jobs_from(args))
    errors: list[str] = []
    stdin_mode = any(item.path is None for item in inputs)
    for result in results:
        errors.extend(result.internal_errors)
        if result.error:
            errors.append(f"{result.filename}: {result.error}")
        if args.diff:
            if result.changed:
                sys.stdout.write(unified_diff(result.filename, _text(result.original), result.text))
            continue
        if result.path is None:
            sys.stdout.buffer.write(result.data)
            sys.stdout.flush()
        elif result.changed:
            write_atomic(result.path, result.data)
    if cache is not None and not args.diff:
        cache.save()
    changed = [result for result in results if result.changed]
    fixed_count = sum(len(result.applied) for result in changed)
    remaining = sum(len(result.findings) for result in results)
    verb = "Would fix" if args.diff else "Fixed"
    summary = (f"{verb} {fixed_count} finding{'s' if fixed_count != 1 else ''} in {len(changed)} file{'s' if len(changed) != 1 else ''}; "
               f"{remaining} remaining.")
    unsafe = settings_from(args).unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes
    report = Report(results, "fix", unsafe_fixes=unsafe, root=report_root(), fix_summary=summary)
    # The fixed code or the diff owns standard output; the report then goes to standard error.
    fallback = sys.stderr if (stdin_mode or args.diff) and not args.output_file else None
    with OutputStream(args.output_file, fallback) as stream:
        if args.show_fixes and changed:
            stream.write(_fixes_list(changed))
        if args.diff and format_name in ("concise", "full") and not args.statistics:
            stream.write(summary + "\n")
        elif args.statistics:
            write_statistics(format_name, report, stream)
        else:
            write_report(format_name, report, stream)
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    if args.exit_non_zero_on_fix and changed:
        return EXIT_FINDINGS
    if remaining and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _text(data: bytes) -> str:
    from keras_lint.source import decode_source

    return decode_source(data).text


def _fixes_list(changed) -> str:
    from keras_lint.reporting import rule_name

    lines = [f"Fixed {sum(len(r.applied) for r in changed)} finding(s):"]
    for result in changed:
        counts = Counter(finding.code for finding in result.applied)
        for code, count in sorted(counts.items()):
            lines.append(f" - {result.filename}: {count} × {code} ({rule_name(code)})")
    return "\n".join(lines) + "\n"
