"""Output formats of `keras-lint check` and `keras-lint fix`.

- `concise`: `path:row:col: CODE message`, the line editors and problem matchers parse.
- `full`: the same, with the source lines, a caret under the finding and its fix as a diff.
- `json` / `json-lines`: ruff's fields (code, name, message, severity, filename, location,
  end_location, fix{applicability, message, edits}, url, noqa_row), 1-based columns.
- `sarif`: SARIF 2.1.0 for GitHub code scanning: paths relative to the repository root, every
  rule described in `rules[]`, `partialFingerprints` that survive unrelated edits.
- `github`: workflow commands (`::error file=...::message`), escaped byte for byte as
  actions/toolkit does, then the summary line (GitHub shows only 10 annotations of each kind).
- `gitlab`: GitLab Code Quality JSON.
- `junit`: JUnit XML, one test suite per file with findings.

Columns are code points everywhere (SARIF says so with `columnKind`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import quote

from keras_lint import __version__
from keras_lint.diagnostics import Applicability, Finding, apply_edits
from keras_lint.reporting import finding_to_json, summary_line
from keras_lint.runner import FileResult

TOOL_NAME = "keras-lint"
TOOL_URI = "https://github.com/keras-lint/keras-lint"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
GITLAB_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
FINGERPRINT_KEY = "keras-lint/v1"


@dataclass
class Report:
    files: list[FileResult]
    mode: str = "check"  # or "fix"
    unsafe_fixes: bool = False
    root: str = ""  # paths in sarif/github/gitlab are relative to it (the repository root)
    fix_summary: str | None = None  # the fix command's own summary line

    def findings(self) -> list[tuple[Finding, FileResult]]:
        pairs = [(finding, result) for result in self.files for finding in result.findings]
        pairs.sort(key=lambda pair: pair[0].sort_key)
        return pairs

    def relative(self, result: FileResult) -> str:
        return relative_path(result.path or result.filename, self.root)


def relative_path(path: str, root: str) -> str:
    if path in ("-", "stdin") or not root:
        return path.replace(os.sep, "/")
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        return path.replace(os.sep, "/")
    if relative.startswith(".."):
        return os.path.abspath(path).replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def _rule(code: str):
    from keras_lint.rules import get_rule

    return get_rule(code)


def severity_of(code: str) -> str:
    rule = _rule(code)
    return rule.severity if rule is not None else "error"


def write_report(format_name: str, report: Report, stream: TextIO) -> None:
    WRITERS[format_name](report, stream)


# -- concise and full ----------------------------------------------------------------------------


def _summary(report: Report) -> str:
    if report.fix_summary is not None:
        return report.fix_summary
    findings = [finding for finding, _ in report.findings()]
    return summary_line(findings, len(report.files), report.unsafe_fixes)


def concise_line(finding: Finding) -> str:
    return f"{finding.filename}:{finding.row}:{finding.column}: {finding.code} {finding.message}"


def write_concise(report: Report, stream: TextIO) -> None:
    for finding, _ in report.findings():
        stream.write(concise_line(finding) + "\n")
    stream.write(_summary(report) + "\n")


_FIX_NOTES = {
    Applicability.SAFE: "safe fix: `keras-lint fix` applies it",
    Applicability.UNSAFE: "unsafe fix: `keras-lint fix --unsafe-fixes` applies it; it may change what the code does",
    Applicability.DISPLAY_ONLY: "suggestion: never applied automatically",
}


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def full_block(finding: Finding, text: str | None) -> str:
    """A finding with its source lines, a caret line, the fix's note and diff."""
    fixable = finding.fix is not None and finding.fix.edits and finding.fix.applicability is Applicability.SAFE
    head = f"{finding.filename}:{finding.row}:{finding.column}: {finding.code}{' [*]' if fixable else ''} {finding.message}"
    if text is None or finding.row < 1:
        return head + "\n"
    lines = text.splitlines()
    if finding.row > len(lines):
        return head + "\n"
    first, last = max(1, finding.row - 1), min(len(lines), max(finding.row, finding.end_row) + 1)
    last = min(last, finding.row + 6)  # a long node: show its start
    gutter = len(str(last))
    out = [head, f"{' ' * gutter} |"]
    for row in range(first, last + 1):
        line = lines[row - 1].expandtabs(4)
        out.append(f"{row:>{gutter}} | {line}".rstrip())
        if row == finding.row:
            raw = lines[row - 1]
            start = finding.column - 1
            end = finding.end_column - 1 if finding.end_row == finding.row else len(raw)
            end = max(end, start + 1)
            prefix = raw[:start].expandtabs(4)
            marked = raw[start:end].expandtabs(4) or " "
            out.append(f"{' ' * gutter} | {' ' * _display_width(prefix)}{'^' * max(1, _display_width(marked))} {finding.code}")
    out.append(f"{' ' * gutter} |")
    if finding.fix is not None:
        out.append(f"{' ' * gutter} = help: {finding.fix.message} ({_FIX_NOTES[finding.fix.applicability]})")
        if finding.fix.edits:
            try:
                fixed = apply_edits(text, list(finding.fix.edits))
            except ValueError:
                fixed = None
            if fixed is not None and fixed != text:
                diff = difflib.unified_diff(text.splitlines(), fixed.splitlines(), lineterm="", n=1)
                body = [line for line in diff][2:]  # no ---/+++ header: the file is named above
                out.append("")
                out.extend(f"    {line}" for line in body)
    return "\n".join(out) + "\n"


def write_full(report: Report, stream: TextIO) -> None:
    for finding, result in report.findings():
        stream.write(full_block(finding, result.text))
        stream.write("\n")
    stream.write(_summary(report) + "\n")


# -- JSON -----------------------------------------------------------------------------------------


def _json_items(report: Report) -> list[dict]:
    return [finding_to_json(finding, result.text) for finding, result in report.findings()]


def write_json(report: Report, stream: TextIO) -> None:
    stream.write(json.dumps(_json_items(report), indent=2, ensure_ascii=False) + "\n")


def write_json_lines(report: Report, stream: TextIO) -> None:
    for item in _json_items(report):
        stream.write(json.dumps(item, ensure_ascii=False) + "\n")


# -- fingerprints (SARIF, GitLab) ------------------------------------------------------------------


def fingerprints(report: Report) -> dict[int, str]:
    """A fingerprint per finding that survives edits elsewhere in the file: the rule, the file,
    the text of the finding's first line (whitespace removed) and which occurrence of that
    triple it is. id(finding) -> hex digest."""
    seen: Counter = Counter()
    result: dict[int, str] = {}
    for finding, file_result in report.findings():
        text = file_result.text or ""
        lines = text.splitlines()
        line = lines[finding.row - 1] if 0 < finding.row <= len(lines) else ""
        key = (finding.code, report.relative(file_result), re.sub(r"\s+", "", line))
        seen[key] += 1
        payload = "\0".join((*key, str(seen[key]))).encode("utf-8", "surrogatepass")
        result[id(finding)] = hashlib.sha256(payload).hexdigest()
    return result


# -- SARIF ----------------------------------------------------------------------------------------


def _root_uri(root: str) -> str:
    from pathlib import Path

    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_rule(rule) -> dict:
    explanation = rule.explanation()
    what = rule.section("What it does") or rule.summary
    level = SARIF_LEVELS[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.replace("`", "")},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": explanation, "markdown": explanation},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": level, "enabled": rule.default_enabled},
        "properties": {
            "tags": ["keras", rule.family],
            "precision": "high",
            "problem.severity": {"error": "error", "warning": "warning", "info": "recommendation"}[rule.severity],
        },
    }


def _region(row: int, column: int, end_row: int, end_column: int) -> dict:
    row, column = max(1, row), max(1, column)
    end_row = max(row, end_row)
    end_column = max(1, end_column)
    if end_row == row and end_column < column:
        end_column = column
    return {"startLine": row, "startColumn": column, "endLine": end_row, "endColumn": end_column}


def sarif_document(report: Report) -> dict:
    from keras_lint.rules import all_rules
    from keras_lint.source import LineIndex

    rules = list(all_rules())
    index = {rule.code: i for i, rule in enumerate(rules)}
    prints = fingerprints(report)
    results = []
    for finding, file_result in report.findings():
        uri = quote(report.relative(file_result))
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"} if report.root else {"uri": uri},
                "region": _region(finding.row, finding.column, finding.end_row, finding.end_column),
            }
        }
        result = {
            "ruleId": finding.code,
            "level": SARIF_LEVELS[severity_of(finding.code)],
            "message": {"text": finding.message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: prints[id(finding)]},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        text = file_result.text
        if finding.fix is not None and finding.fix.edits and text is not None and finding.fix.applicability is not Applicability.DISPLAY_ONLY:
            lines = LineIndex(text)
            replacements = []
            for edit in finding.fix.edits:
                start, end = lines.position(edit.start), lines.position(edit.end)
                replacement = {"deletedRegion": _region(*start, *end)}
                if edit.content:
                    replacement["insertedContent"] = {"text": edit.content}
                replacements.append(replacement)
            result["fixes"] = [{
                "description": {"text": f"{finding.fix.message} ({finding.fix.applicability.value})"},
                "artifactChanges": [{"artifactLocation": dict(location["physicalLocation"]["artifactLocation"]), "replacements": replacements}],
            }]
        results.append(result)
    errors = [error for result in report.files for error in result.internal_errors]
    run: dict = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "informationUri": TOOL_URI,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [sarif_rule(rule) for rule in rules],
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not errors,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": error.splitlines()[0]}} for error in errors],
        }],
    }
    if report.root:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": _root_uri(report.root)}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def write_sarif(report: Report, stream: TextIO) -> None:
    stream.write(json.dumps(sarif_document(report), indent=2, ensure_ascii=False) + "\n")


# -- GitHub workflow commands --------------------------------------------------------------------


def github_escape_data(value: str) -> str:
    """actions/toolkit `escapeData` (packages/core/src/command.ts)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(value: str) -> str:
    """actions/toolkit `escapeProperty`."""
    return github_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_command(command: str, properties: dict[str, object], message: str) -> str:
    """One workflow command as toolkit's `Command.toString()` writes it: properties in the
    given order, empty ones left out."""
    text = f"::{command}"
    parts = [f"{key}={github_escape_property(str(value))}" for key, value in properties.items() if value not in (None, "", 0)]
    if parts:
        text += " " + ",".join(parts)
    return f"{text}::{github_escape_data(message)}"


def github_line(finding: Finding, path: str) -> str:
    # toolkit's toCommandProperties order: title, file, line, endLine, col, endColumn.
    properties = {
        "title": f"{TOOL_NAME} ({finding.code})",
        "file": path,
        "line": finding.row,
        "endLine": finding.end_row,
        "col": finding.column,
        "endColumn": finding.end_column,
    }
    message = f"{path}:{finding.row}:{finding.column}: {finding.code} {finding.message}"
    return github_command(GITHUB_COMMANDS[severity_of(finding.code)], properties, message)


def write_github(report: Report, stream: TextIO) -> None:
    for finding, result in report.findings():
        stream.write(github_line(finding, report.relative(result)) + "\n")
    stream.write(_summary(report) + "\n")


# -- GitLab Code Quality --------------------------------------------------------------------------


def write_gitlab(report: Report, stream: TextIO) -> None:
    prints = fingerprints(report)
    items = []
    for finding, result in report.findings():
        items.append({
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": prints[id(finding)],
            "severity": GITLAB_SEVERITIES[severity_of(finding.code)],
            "location": {
                "path": report.relative(result),
                "positions": {
                    "begin": {"line": finding.row, "column": finding.column},
                    "end": {"line": finding.end_row, "column": finding.end_column},
                },
            },
        })
    stream.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")


# -- JUnit ------------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("\ufffd", value)


def write_junit(report: Report, stream: TextIO) -> None:
    import xml.etree.ElementTree as ET

    pairs = report.findings()
    suites = ET.Element("testsuites", name=TOOL_NAME, tests=str(max(1, len(pairs))), failures=str(len(pairs)), errors="0")
    by_file: dict[str, list[Finding]] = {}
    for finding, result in pairs:
        by_file.setdefault(result.filename, []).append(finding)
    if not by_file:
        suite = ET.SubElement(suites, "testsuite", name=TOOL_NAME, tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname=TOOL_NAME)
    for filename, findings in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=_xml_text(filename), tests=str(len(findings)), failures=str(len(findings)), errors="0")
        for finding in findings:
            case = ET.SubElement(suite, "testcase", name=f"{TOOL_NAME}.{finding.code}", classname=_xml_text(filename),
                                 file=_xml_text(filename), line=str(finding.row))
            failure = ET.SubElement(case, "failure", message=_xml_text(finding.message), type=finding.code)
            failure.text = _xml_text(f"line {finding.row}, col {finding.column}, {finding.message}")
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n")


WRITERS = {
    "concise": write_concise,
    "full": write_full,
    "json": write_json,
    "json-lines": write_json_lines,
    "sarif": write_sarif,
    "github": write_github,
    "gitlab": write_gitlab,
    "junit": write_junit,
}


# -- --statistics ----------------------------------------------------------------------------------


def statistics(findings: Iterable[Finding]) -> list[dict]:
    counts: Counter = Counter()
    fixable: dict[str, bool] = {}
    for finding in findings:
        counts[finding.code] += 1
        if finding.fix is not None and finding.fix.edits and finding.fix.applicability is Applicability.SAFE:
            fixable[finding.code] = True
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = _rule(code)
        rows.append({"code": code, "name": rule.name if rule else None, "count": count, "fixable": fixable.get(code, False)})
    return rows


def write_statistics(format_name: str, report: Report, stream: TextIO) -> None:
    rows = statistics(finding for finding, _ in report.findings())
    if format_name in ("json", "json-lines"):
        stream.write(json.dumps(rows, indent=2) + "\n")
        return
    width = max((len(str(row["count"])) for row in rows), default=1)
    for row in rows:
        stream.write(f"{row['count']:>{width}}\t{row['code']}\t{'[*] ' if row['fixable'] else ''}{row['name'] or ''}\n")
    stream.write(_summary(report) + "\n")
