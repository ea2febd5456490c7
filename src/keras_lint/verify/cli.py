"""`keras-lint fix --verify` and `keras-lint verify PATH`."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import dataclass

from keras_lint.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    Input,
    UsageError,
    read_inputs,
    settings_from,
)
from keras_lint.diagnostics import Finding
from keras_lint.verify import REFUTED, VERIFIED
from keras_lint.verify.pool import WorkerPool
from keras_lint.verify.report import ProgressBar, json_items, render_human
from keras_lint.verify.session import FileReport, SourceFile, Verifier


def make_pool(args: argparse.Namespace) -> WorkerPool:
    """The worker pool of one run (tests replace this to share one pool between runs)."""
    return WorkerPool(jobs=args.jobs, timeout=args.verify_timeout, memory_mb=args.verify_memory)


@dataclass
class _Run:
    reports: list[tuple[Input, object, FileReport]]  # input, its SourceText, its report
    skipped: list[tuple[Input, list[Finding]]]  # inputs without Keras or that cannot be decoded
    versions: dict
    seconds: float
    builds: int
    workers: int


def _verify(args: argparse.Namespace, *, leave_out_unverified: bool) -> _Run:
    from keras_lint.engine import lint_bytes
    from keras_lint.source import PREFILTER_BYTES, SourceDecodeError, decode_source

    settings = settings_from(args)
    inputs = read_inputs(args)
    to_verify = []
    skipped = []
    for item in inputs:
        if PREFILTER_BYTES not in item.data:
            skipped.append((item, []))
            continue
        try:
            source = decode_source(item.data)
        except SourceDecodeError:
            skipped.append((item, lint_bytes(item.data, item.filename, settings).findings))
            continue
        to_verify.append((item, source))
    if to_verify and importlib.util.find_spec("tensorflow") is None:
        raise UsageError("verification builds models in TensorFlow, which is not installed: pip install 'keras-lint[verify]'")
    started = time.monotonic()
    progress = ProgressBar(sys.stderr)
    pool = make_pool(args)
    try:
        verifier = Verifier(
            settings, pool,
            unsafe=bool(getattr(args, "unsafe_fixes", False)),
            respect_noqa=not args.ignore_noqa,
            verified_only=leave_out_unverified,
            progress=progress,
            timeout=args.verify_timeout,
        )
        reports = verifier.verify([SourceFile(item.filename, source.text) for item, source in to_verify])
        versions = dict(pool.versions)
        workers = pool.jobs
    finally:
        progress.finish()
        pool.close()
    return _Run(
        [(item, source, report) for (item, source), report in zip(to_verify, reports)],
        skipped, versions, time.monotonic() - started, verifier.builds, workers,
    )


def run_fix_with_verification(args: argparse.Namespace) -> int:
    """`keras-lint fix --verify`: fix, verify, and write every fix that was not refuted."""
    from keras_lint.reporting import concise_line, findings_to_json, unified_diff
    from keras_lint.source import write_atomic

    run = _verify(args, leave_out_unverified=bool(getattr(args, "verified_only", False)))
    stdin_mode = any(item.path is None for item, _, _ in run.reports) or any(item.path is None for item, _ in run.skipped)
    report_stream = sys.stderr if stdin_mode or args.diff else sys.stdout
    errors: list[str] = []
    remaining: list[tuple[Finding, str | None]] = []
    fixed = changed_files = 0
    for item, findings in run.skipped:
        remaining.extend((finding, None) for finding in findings)
        if item.path is None:
            sys.stdout.buffer.write(item.data)
    for item, source, report in run.reports:
        if report.error:
            errors.append(f"{report.filename}: {report.error}")
        errors.extend(report.internal_errors)
        if report.remaining is not None:
            remaining.extend((finding, report.text) for finding in report.remaining.findings)
        if report.changed:
            fixed += len(report.applied)
            changed_files += 1
            if args.diff:
                sys.stdout.write(unified_diff(report.filename, report.original, report.text))
            elif item.path is not None:
                write_atomic(item.path, source.encode(report.text))
        if item.path is None and not args.diff:
            sys.stdout.buffer.write(source.encode(report.text))
    reports = [report for _, _, report in run.reports]
    if args.format == "json" and not args.diff and not stdin_mode:
        items = [entry for report in reports for entry in json_items(report)]
        items.extend((finding, None) for _, findings in run.skipped for finding in findings)
        print(findings_to_json(items))
    else:
        report_stream.write(render_human(reports, versions=run.versions, seconds=run.seconds, builds=run.builds,
                                         workers=run.workers, written=not args.diff))
        if not args.diff:
            for finding, _ in sorted(remaining, key=lambda pair: pair[0].sort_key):
                print(concise_line(finding), file=report_stream)
        verb = "Would fix" if args.diff else "Fixed"
        print(f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {changed_files} file{'s' if changed_files != 1 else ''}; "
              f"{len(remaining)} remaining.", file=report_stream)
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if changed_files else EXIT_CLEAN
    return EXIT_FINDINGS if remaining else EXIT_CLEAN


def run_verify(args: argparse.Namespace) -> int:
    """`keras-lint verify PATH`: verify the fixes `fix` would apply; write nothing. Exit 1 when
    a fix is refuted (or, with --verified-only, not verified)."""
    from keras_lint.reporting import findings_to_json

    run = _verify(args, leave_out_unverified=False)
    reports = [report for _, _, report in run.reports]
    errors = [f"{report.filename}: {report.error}" for report in reports if report.error]
    errors.extend(error for report in reports for error in report.internal_errors)
    if args.format == "json":
        items = [entry for report in reports for entry in json_items(report, include_remaining=False)]
        print(findings_to_json(items))
    else:
        sys.stdout.write(render_human(reports, versions=run.versions, seconds=run.seconds, builds=run.builds,
                                      workers=run.workers, written=False))
    for error in errors:
        print(f"keras-lint: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    statuses = [verdict.status for report in reports for verdict in (report.verdict(fix) for fix in [*report.applied, *report.left_out]) if verdict]
    if REFUTED in statuses:
        return EXIT_FINDINGS
    if getattr(args, "verified_only", False) and any(status != VERIFIED for status in statuses):
        return EXIT_FINDINGS
    return EXIT_CLEAN
