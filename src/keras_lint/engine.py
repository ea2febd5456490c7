"""Lint one file: decode, pre-filter, parse once, resolve names, run every enabled rule.

Never raises for any input: a file that cannot be decoded or parsed yields a KRS001/KRS002
finding, a rule that crashes is reported as an internal error and the other rules still run.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
import tokenize
import traceback
import warnings
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.diagnostics import Applicability, Finding, Fix
from keras_lint.noqa import NoqaIndex
from keras_lint.settings import Settings
from keras_lint.source import (
    PREFILTER_BYTES,
    PREFILTER_TEXT,
    LineIndex,
    SourceDecodeError,
    decode_source,
)

_RECURSION_LIMIT = 20_000
# Python's default: the depth up to which ast.parse (and then LibCST) is known to be safe.
_PARSER_RECURSION_LIMIT = 1000
SYNTAX_ERROR_CODE = "KRS001"
UNPARSABLE_CODE = "KRS002"


@dataclass
class LintResult:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    # Findings a `# noqa` silenced, with the directive row (for unused-noqa reports).
    suppressed: list[Finding] = field(default_factory=list)
    # The file could not be analysed (KRS001/KRS002 finding; it is also in `findings`).
    parse_error: Finding | None = None
    internal_errors: list[str] = field(default_factory=list)
    skipped: bool = False  # the pre-filter proved the file has no Keras in it
    noqa: NoqaIndex | None = None


def lint_bytes(data: bytes, filename: str, settings: Settings, **options) -> LintResult:
    if PREFILTER_BYTES not in data:
        return LintResult(filename, skipped=True)
    try:
        source = decode_source(data)
    except SourceDecodeError as exc:
        result = LintResult(filename)
        finding = Finding(SYNTAX_ERROR_CODE, exc.message, 0, 0, row=exc.row, column=exc.column, end_row=exc.row, end_column=exc.column, filename=filename)
        result.parse_error = finding
        if _code_enabled(SYNTAX_ERROR_CODE, settings, filename):
            result.findings.append(finding)
        return result
    return lint_text(source.text, filename, settings, **options)


def lint_text(
    text: str,
    filename: str,
    settings: Settings,
    *,
    respect_noqa: bool = True,
    report_parse_errors: bool = True,
    rules: list | None = None,
    python_checked: bool = False,
) -> LintResult:
    """Lint decoded source text. `python_checked` says the caller already knows Python's
    own parser accepts the text (flake8 parsed it), which saves a parse."""
    result = LintResult(filename)
    if PREFILTER_TEXT not in text:
        result.skipped = True
        return result
    module = _parse(text, filename, result, python_checked)
    if module is None:
        if report_parse_errors and result.parse_error is not None and _code_enabled(result.parse_error.code, settings, filename):
            result.findings.append(result.parse_error)
        return result

    from keras_lint.context import Context
    from keras_lint.semantic.model import SemanticModel
    from keras_lint.semantic.names import star_exports

    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        # Our walks recurse once per nesting level of a tree that Python's parser accepted;
        # Python 3.11+ frames cost no C stack. (Never raised before ast.parse: its C parser
        # would then accept nesting deep enough to overflow the C stack.)
        sys.setrecursionlimit(_RECURSION_LIMIT)

    try:
        semantic = SemanticModel(module, star_exports)
    except RecursionError:
        result.parse_error = _finding_at(UNPARSABLE_CODE, "the file is nested too deeply for keras-lint to analyse; it was skipped", text, 0, filename)
        if report_parse_errors and _code_enabled(UNPARSABLE_CODE, settings, filename):
            result.findings.append(result.parse_error)
        return result
    ctx = Context(text, filename, module, semantic, settings)
    if rules is None:
        rules = enabled_rules(settings, filename)
    # Rules that judge `# noqa` comments (KRS010) run after the others, on what they suppressed.
    suppression_rules = [rule for rule in rules if rule.judges_suppressions] if respect_noqa else []
    requested = {rule.code for rule in rules}
    rules = [rule for rule in rules if not rule.judges_suppressions]
    if suppression_rules:
        # Whether a comment suppresses something depends on every enabled rule, even when only
        # some were asked for: run them all, report only the requested ones.
        present = {rule.code for rule in rules}
        rules += [rule for rule in enabled_rules(settings, filename) if rule.code not in present and not rule.judges_suppressions]
    ctx.active_codes = frozenset(rule.code for rule in rules)
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.check(ctx))
        except Exception as exc:  # a bug in one rule must not cost the user the others
            result.internal_errors.append(
                f"{filename}: internal error in {rule.code} ({type(exc).__name__}: {exc}); "
                "please report this with the file.\n" + traceback.format_exc(limit=6)
            )
    if semantic.expected_to_raise and findings:
        blocks = [ctx.span(block) for block in semantic.expected_to_raise]
        findings = [f for f in findings if not any(start <= f.start < end for start, end in blocks)]
    if settings.extend_safe_fixes or settings.extend_unsafe_fixes:
        for finding in findings:
            if finding.fix is not None:
                applicability = settings.fix_applicability(finding.code, finding.fix.applicability)
                if applicability is not finding.fix.applicability:
                    finding.fix = Fix(finding.fix.message, finding.fix.edits, applicability)
    _finish(findings, text, filename)
    findings = _deduplicate(findings)
    if respect_noqa:
        noqa = NoqaIndex(text)
        result.noqa = noqa
        findings = _apply_noqa(findings, noqa, result)
        if suppression_rules:
            judged = tuple(rule.code for rule in rules)
            late: list[Finding] = []
            for rule in suppression_rules:
                try:
                    late.extend(rule.check_suppressions(ctx, noqa, result.suppressed, judged))
                except Exception as exc:
                    result.internal_errors.append(f"{filename}: internal error in {rule.code} ({type(exc).__name__}: {exc}); "
                                                  "please report this with the file.\n" + traceback.format_exc(limit=6))
            lines = LineIndex(text)
            for finding in late:
                finding.filename = filename
                finding.row, finding.column = lines.position(finding.start)
                finding.end_row, finding.end_column = lines.position(finding.end)
            findings = sorted(findings + _apply_noqa(late, noqa, result), key=lambda f: (f.start, f.code, f.message))
            findings = [finding for finding in findings if finding.code in requested]
            result.suppressed = [finding for finding in result.suppressed if finding.code in requested]
    result.findings = findings
    return result


def _apply_noqa(findings: list[Finding], noqa: NoqaIndex, result: LintResult) -> list[Finding]:
    kept = []
    for finding in findings:
        directive = noqa.suppresses(finding.code, finding.row)
        if directive:
            finding.extra["noqa_row"] = directive.row if directive is not True else 0
            result.suppressed.append(finding)
        else:
            kept.append(finding)
    return kept


def enabled_rules(settings: Settings, filename: str | None = None) -> list:
    from keras_lint.rules import all_rules

    return [rule() for rule in all_rules() if rule.code not in (SYNTAX_ERROR_CODE, UNPARSABLE_CODE) and settings.is_enabled(rule, filename)]


def _code_enabled(code: str, settings: Settings, filename: str | None) -> bool:
    from keras_lint.rules import get_rule

    rule = get_rule(code)
    return rule is None or settings.is_enabled(rule, filename)


# -- parsing ------------------------------------------------------------------------------------

# Python 2 forms that are syntax errors in Python 3. A print statement anywhere in the file is
# telling; the others only when they are on the line Python stopped at (`0.01` must not pass
# for an octal literal).
_PY2_PRINT = re.compile(r"^\s*print\s+[^\s(=]", re.M)
_PY2_HINTS = (
    _PY2_PRINT,
    re.compile(r"^\s*exec\s+[\"']", re.M),
    re.compile(r"except\s+[\w.]+\s*,\s*\w+\s*:"),
    re.compile(r"(?<![\w.])0[0-7]+[lL]?\b|(?<![\w.])\d+[lL]\b"),
    re.compile(r"\bur[\"']"),
    re.compile(r"^\s*raise\s+[\w.]+\s*,", re.M),
)


def _looks_like_python2(text: str, row: int) -> bool:
    lines = text.splitlines()
    line = lines[row - 1] if 0 < row <= len(lines) else ""
    return bool(_PY2_PRINT.search(text)) or any(hint.search(line) for hint in _PY2_HINTS)


def _parse(text: str, filename: str, result: LintResult, python_checked: bool) -> cst.Module | None:
    # Python's parser first: it is several times faster than LibCST's, it gives the better
    # message for a syntax error, and it refuses pathological nesting (thousands of chained
    # operators) that makes LibCST's native parser run for minutes or overflow its stack.
    if not python_checked:
        try:
            with warnings.catch_warnings(), _python_recursion_limit(_PARSER_RECURSION_LIMIT):
                warnings.simplefilter("ignore")
                ast.parse(text, filename=filename)
        except SyntaxError as exc:
            row = exc.lineno or 1
            column = exc.offset or 1
            message = f"SyntaxError: {exc.msg}"
            if _looks_like_python2(text, row):
                message += " (this looks like Python 2 code; keras-lint analyses Python 3)"
            message += "; keras-lint cannot analyse this file"
            result.parse_error = Finding(SYNTAX_ERROR_CODE, message, 0, 0, row=row, column=column, end_row=row, end_column=column, filename=filename)
            return None
        except (ValueError, RecursionError, MemoryError) as exc:
            detail = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            result.parse_error = _finding_at(SYNTAX_ERROR_CODE, f"Python cannot parse this file ({detail}); keras-lint cannot analyse it", text, 0, filename)
            return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return cst.parse_module(text)
    except Exception as exc:  # ParserSyntaxError, or anything LibCST's native parser raises
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    result.parse_error = _finding_at(
        UNPARSABLE_CODE,
        f"Python accepts this file but LibCST cannot parse it ({detail}); keras-lint skipped it",
        text,
        0,
        filename,
    )
    return None


@contextlib.contextmanager
def _python_recursion_limit(limit: int):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(min(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _finding_at(code: str, message: str, text: str, offset: int, filename: str) -> Finding:
    row, column = LineIndex(text).position(offset)
    return Finding(code, message, offset, offset, row=row, column=column, end_row=row, end_column=column, filename=filename)


# -- post-processing ----------------------------------------------------------------------------


def _finish(findings: list[Finding], text: str, filename: str) -> None:
    lines = LineIndex(text)
    comments: list[tuple[int, int, str]] | None = None
    for finding in findings:
        finding.filename = filename
        finding.row, finding.column = lines.position(finding.start)
        finding.end_row, finding.end_column = lines.position(finding.end)
        fix = finding.fix
        if fix is not None and fix.applicability is Applicability.SAFE:
            if any("#" in text[e.start : e.end] for e in fix.edits):
                if comments is None:
                    comments = _comments(text)
                if _drops_comment(fix, comments):
                    # A fix that would delete a comment is never applied without asking.
                    finding.fix = Fix(fix.message + " (unsafe: it would remove a comment)", fix.edits, Applicability.UNSAFE)
    findings.sort(key=lambda f: (f.start, f.code, f.message))


def _comments(text: str) -> list[tuple[int, int, str]]:
    lines = LineIndex(text)
    result = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                start = lines.offset(token.start[0], token.start[1] + 1)
                result.append((start, start + len(token.string), token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return result


def _drops_comment(fix: Fix, comments: list[tuple[int, int, str]]) -> bool:
    for edit in fix.edits:
        for start, end, comment in comments:
            if edit.start <= start and end <= edit.end and comment not in edit.content:
                return True
    return False


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    seen = set()
    result = []
    for finding in findings:
        key = (finding.code, finding.start, finding.end, finding.message)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result
