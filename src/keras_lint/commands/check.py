"""`keras-lint check`: report findings (and, with --fix / --diff / --add-noqa, act on them)."""

from __future__ import annotations

import argparse
import sys

from keras_lint.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OutputStream,
    UsageError,
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

# Findings --add-noqa never adds a comment for: a file that does not parse has no comments to
# add, and a noqa for an unused noqa would be silly.
_NO_ADD_NOQA = ("KRS001", "KRS002", "KRS010")


def add_parser(commands) -> None:
    check = commands.add_parser("check", help="report findings", description="Report findings. Exit 0: none; 1: findings remain; 2: error.")
    add_lint_arguments(check)
    add_unsafe_fixes_argument(check, "count unsafe fixes as available (with --fix: apply them)")
    actions = check.add_argument_group("acting on findings")
    actions.add_argument("--fix", action="store_true", help="apply fixes, like `keras-lint fix`")
    actions.add_argument("--diff", action="store_true", help="print the fixes as a diff and write nothing; exit 1 when a file would change")
    actions.add_argument("--exit-non-zero-on-fix", action="store_true", help="with --fix: exit 1 when a file was changed, even if nothing remains")
    actions.add_argument("--show-fixes", action="store_true", help="with --fix: list what was fixed")
    actions.add_argument("--add-noqa", action="store_true",
                         help="add `# noqa: CODE` comments to silence every current finding (to adopt keras-lint on old code)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.show_settings:
        return show_settings(args)
    if args.show_files:
        return show_files(args)
    if args.fix or args.diff:
        if args.add_noqa:
            raise UsageError("--add-noqa cannot be combined with --fix or --diff")
        from keras_lint.commands.fix import run_fix

        return run_fix(args)
    if args.add_noqa:
        return add_noqa(args)
    from keras_lint.formats import Report, write_report, write_statistics
    from keras_lint.runner import check_inputs

    resolver = resolver_from(args)
    format_name = output_format(args)
    inputs = read_inputs(args)
    results = check_inputs(inputs, resolver, respect_noqa=not args.ignore_noqa, cache=cache_from(args), workers=jobs_from(args))
    report = Report(results, "check", unsafe_fixes=settings_from(args).unsafe_fixes, root=report_root())
    with OutputStream(args.output_file) as stream:
        if args.statistics:
            write_statistics(format_name, report, stream)
        else:
            write_report(format_name, report, stream)
    errors = [error for result in results for error in result.internal_errors]
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if any(result.findings for result in results) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def add_noqa(args: argparse.Namespace) -> int:
    import ast
    import warnings

    from keras_lint.diagnostics import Edit, apply_edits
    from keras_lint.noqa import NoqaIndex, add_noqa_edits
    from keras_lint.runner import check_inputs
    from keras_lint.source import decode_source, write_atomic

    if any(item == "-" for item in args.paths):
        raise UsageError("--add-noqa edits files in place; it cannot read standard input")
    resolver = resolver_from(args)
    results = check_inputs(read_inputs(args), resolver, respect_noqa=True, cache=None, workers=jobs_from(args))
    added = files = 0
    for result in results:
        rows: dict[int, set[str]] = {}
        for finding in result.findings:
            if finding.code not in _NO_ADD_NOQA:
                rows.setdefault(finding.row, set()).add(finding.code)
        if not rows or result.path is None:
            continue
        source = decode_source(result.data)
        edits = add_noqa_edits(NoqaIndex(source.text), rows)
        if not edits:
            continue
        new_text = apply_edits(source.text, [Edit(start, end, content) for start, end, content in edits])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(new_text)
        except (SyntaxError, ValueError):
            print(f"keras-lint: {result.filename}: adding `# noqa` comments would break the file; left unchanged. Please report this.", file=sys.stderr)
            continue
        write_atomic(result.path, source.encode(new_text))
        added += len(edits)
        files += 1
    print(f"Added {added} `# noqa` comment{'s' if added != 1 else ''} in {files} file{'s' if files != 1 else ''}.")
    errors = [error for result in results for error in result.internal_errors]
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_CLEAN
