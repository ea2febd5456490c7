"""Turning findings into text for people and for machines."""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable

from keras_lint.diagnostics import Applicability, Finding
from keras_lint.source import LineIndex


def rule_url(code: str) -> str | None:
    from keras_lint.rules import get_rule

    rule = get_rule(code)
    return rule.url() if rule is not None else None


def rule_name(code: str) -> str | None:
    from keras_lint.rules import get_rule

    rule = get_rule(code)
    return rule.name if rule is not None else None


def rule_severity(code: str) -> str:
    from keras_lint.rules import get_rule

    rule = get_rule(code)
    return rule.severity if rule is not None else "error"


def noqa_row_of(finding: Finding, text: str | None) -> int:
    """Where a `# noqa` for the finding goes (the row `--add-noqa` would put it on)."""
    if "noqa_row" in finding.extra:
        return finding.extra["noqa_row"]
    if text is None:
        return finding.row
    from keras_lint.noqa import noqa_row

    return noqa_row(_noqa_index(text), finding.row)


@functools.lru_cache(maxsize=8)
def _noqa_index(text: str):
    from keras_lint.noqa import NoqaIndex

    return NoqaIndex(text)


def concise_line(finding: Finding) -> str:
    return f"{finding.filename}:{finding.row}:{finding.column}: {finding.code} {finding.message}"


def finding_to_json(finding: Finding, text: str | None) -> dict:
    """The JSON shape of a finding (1-based rows and columns, like ruff's)."""
    fix = None
    if finding.fix is not None:
        lines = LineIndex(text) if text is not None else None
        edits = []
        for edit in finding.fix.edits:
            if lines is None:
                continue
            row, column = lines.position(edit.start)
            end_row, end_column = lines.position(edit.end)
            edits.append({
                "content": edit.content,
                "location": {"row": row, "column": column},
                "end_location": {"row": end_row, "column": end_column},
            })
        fix = {
            "applicability": finding.fix.applicability.value,
            "message": finding.fix.message,
            "edits": edits,
        }
        if "verification" in finding.extra:
            fix["verification"] = finding.extra["verification"]
    return {
        "code": finding.code,
        "name": rule_name(finding.code),
        "message": finding.message,
        "severity": rule_severity(finding.code),
        "filename": finding.filename,
        "location": {"row": finding.row, "column": finding.column},
        "end_location": {"row": finding.end_row, "column": finding.end_column},
        "fix": fix,
        "url": rule_url(finding.code),
        "noqa_row": noqa_row_of(finding, text),
    }


def findings_to_json(items: Iterable[tuple[Finding, str | None]]) -> str:
    return json.dumps([finding_to_json(finding, text) for finding, text in items], indent=2, ensure_ascii=False)


def summary_line(findings: list[Finding], files_checked: int, unsafe_fixes: bool) -> str:
    if not findings:
        return f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked)."
    files = len({f.filename for f in findings})
    safe = sum(1 for f in findings if f.fix is not None and f.fix.edits and f.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.edits and f.fix.applicability is Applicability.UNSAFE)
    text = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} in {files} file{'s' if files != 1 else ''}."
    parts = []
    if safe or (unsafe and unsafe_fixes):
        fixable = safe + (unsafe if unsafe_fixes else 0)
        parts.append(f"{fixable} fixable with `keras-lint fix{' --unsafe-fixes' if unsafe_fixes and unsafe else ''}`")
    if unsafe and not unsafe_fixes:
        parts.append(f"{unsafe} more with `keras-lint fix --unsafe-fixes`")
    if parts:
        text += " " + "; ".join(parts) + "."
    return text


def unified_diff(filename: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=filename if filename.startswith("/") else f"a/{filename}",
        tofile=filename if filename.startswith("/") else f"b/{filename}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
