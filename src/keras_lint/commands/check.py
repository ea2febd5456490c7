"""`keras-lint check`: report findings."""

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


def add_parser(commands) -> None:
    check = commands.add_parser("check", help="report findings")
    add_lint_arguments(check)
    check.add_argument("--unsafe-fixes", action="store_true", help="count unsafe fixes as available in the summary")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from keras_lint.engine import lint_bytes
    from keras_lint.reporting import concise_line, findings_to_json, summary_line
    from keras_lint.source import decode_source

    settings = settings_from(args)
    all_findings: list[tuple[Finding, str | None]] = []
    internal_errors: list[str] = []
    inputs = read_inputs(args)
    for item in inputs:
        result = lint_bytes(item.data, item.filename, settings, respect_noqa=not args.ignore_noqa)
        internal_errors.extend(result.internal_errors)
        text = None
        if result.findings and args.format == "json":
            try:
                text = decode_source(item.data).text
            except Exception:
                text = None
        all_findings.extend((finding, text) for finding in result.findings)
    all_findings.sort(key=lambda pair: pair[0].sort_key)
    findings = [finding for finding, _ in all_findings]
    if args.format == "json":
        print(findings_to_json(all_findings))
    else:
        for finding in findings:
            print(concise_line(finding))
        print(summary_line(findings, len(inputs), settings.unsafe_fixes))
    for error in internal_errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if internal_errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


