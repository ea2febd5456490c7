"""The `keras-lint` command.

Exit codes: 0 nothing found, 1 findings remain, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

from keras_lint import __version__
from keras_lint.diagnostics import Finding
from keras_lint.settings import TARGET_VERSIONS, Settings

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(Exception):
    pass


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-lint",
        description="Find and fix bugs in Keras model-building code without running it.",
    )
    parser.add_argument("--version", action="version", version=f"keras-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input); default: .")
        sub.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to check (default: KRS)")
        sub.add_argument("--extend-select", type=_codes, help="codes or prefixes to check in addition")
        sub.add_argument("--ignore", type=_codes, help="codes or prefixes not to check")
        sub.add_argument("--target-keras", choices=TARGET_VERSIONS, help="the Keras the code must run on (default: 3)")
        sub.add_argument("--stdin-filename", help="the name to report for code read from standard input")
        sub.add_argument("--ignore-noqa", action="store_true", help="report findings even where a `# noqa` comment silences them")
        sub.add_argument("--format", choices=("concise", "json"), default="concise", help="output format")

    check = commands.add_parser("check", help="report findings")
    add_common(check)
    check.add_argument("--unsafe-fixes", action="store_true", help="count unsafe fixes as available in the summary")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")

    fix = commands.add_parser("fix", help="apply fixes (safe ones; unsafe ones too with --unsafe-fixes)")
    add_common(fix)
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true", help="print the changes as a diff and write nothing; exit 1 when a file would change")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", help="e.g. KRS101")
    rule.add_argument("--all", action="store_true", help="list every rule")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings()
    return settings.with_overrides(
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        target_keras=args.target_keras,
        unsafe_fixes=True if getattr(args, "unsafe_fixes", False) else None,
    )


@dataclass
class FileResult:
    filename: str
    text: str | None
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "rule":
            return _rule_command(args)
        if args.command == "check":
            return _check_command(args)
        if args.command == "fix":
            return _fix_command(args)
    except UsageError as exc:
        print(f"keras-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # last resort: never a traceback for the user
        print(f"keras-lint: internal error: {type(exc).__name__}: {exc}. Please report this.", file=sys.stderr)
        return EXIT_ERROR
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


# -- reading inputs -------------------------------------------------------------------------


@dataclass
class Input:
    filename: str  # what to report
    path: str | None  # where to write back (None for stdin)
    data: bytes


def _inputs(args: argparse.Namespace) -> list[Input]:
    from keras_lint.files import display_path, iter_python_files

    paths = args.paths or ["."]
    inputs: list[Input] = []
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        data = sys.stdin.buffer.read()
        inputs.append(Input(args.stdin_filename or "-", None, data))
        return inputs
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    for path in iter_python_files(paths):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
        inputs.append(Input(display_path(path), path, data))
    return inputs


# -- check -------------------------------------------------------------------------------------


def _check_command(args: argparse.Namespace) -> int:
    from keras_lint.engine import lint_bytes
    from keras_lint.reporting import concise_line, findings_to_json, summary_line
    from keras_lint.source import decode_source

    settings = settings_from(args)
    all_findings: list[tuple[Finding, str | None]] = []
    internal_errors: list[str] = []
    inputs = _inputs(args)
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


# -- fix ---------------------------------------------------------------------------------------


def _fix_command(args: argparse.Namespace) -> int:
    from keras_lint.fixer import fix_text
    from keras_lint.reporting import concise_line, findings_to_json, unified_diff
    from keras_lint.source import PREFILTER_BYTES, SourceDecodeError, decode_source, write_atomic
    from keras_lint.engine import lint_bytes

    settings = settings_from(args)
    unsafe = bool(args.unsafe_fixes)
    remaining: list[tuple[Finding, str | None]] = []
    errors: list[str] = []
    fixed_count = 0
    changed_files = 0
    inputs = _inputs(args)
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


# -- rule --------------------------------------------------------------------------------------


def _rule_command(args: argparse.Namespace) -> int:
    from keras_lint.docs import render_rule_markdown
    from keras_lint.rules import all_rules, get_rule

    if args.all or not args.code:
        for rule in all_rules():
            print(f"{rule.code}  {rule.name:<32} {rule.summary}")
        return EXIT_CLEAN
    rule = get_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r}; `keras-lint rule --all` lists them")
    print(render_rule_markdown(rule))
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
