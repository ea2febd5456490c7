"""Verification results for people (per unit, then a summary table) and for machines (the
`verification` object in each fix of the JSON output), and the progress bar."""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from keras_lint.diagnostics import Finding
from keras_lint.verify import REFUTED, UNVERIFIABLE, VERIFIED
from keras_lint.verify.session import FileReport, UnitReport, _clip
from keras_lint.verify.tracking import AppliedFix, RowMap


class ProgressBar:
    """`verify [#####-----] 5/10 builds` on a terminal; nothing otherwise."""

    def __init__(self, stream: TextIO | None = None, width: int = 24):
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        filled = int(self.width * done / total)
        self.stream.write(f"\rverify [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total} builds")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()
            self._shown = False


def _location(report: FileReport, fix: AppliedFix) -> str:
    return f"{report.filename}:{fix.original_row}:{fix.original_column}"


def render_human(reports: list[FileReport], *, versions: dict, seconds: float, builds: int, workers: int, written: bool) -> str:
    lines: list[str] = []
    tf = versions.get("tensorflow")
    ks = versions.get("keras")
    units = [(report, unit) for report in reports for unit in report.units]
    any_fix = any(report.applied or report.left_out for report in reports)
    if not any_fix:
        return "Verification: no fix to verify.\n"
    lines.append(f"Verification in TensorFlow {tf} (Keras {ks}):" if versions.get("tensorflow") else "Verification (no TensorFlow worker ran):")
    for report, unit in units:
        lines.append("")
        lines.extend(_unit_lines(report, unit, written))
    loose = [(report, fix) for report in reports for fix in [*report.applied, *report.left_out] if not _in_a_unit(report, fix)]
    if loose:
        lines.append("")
        lines.append("Fixes outside any model-building unit:")
        for report, fix in loose:
            verdict = report.verdict(fix)
            status = verdict.status if verdict else UNVERIFIABLE
            lines.append(f"  {_location(report, fix)}: {fix.finding.code} {status}: {verdict.detail if verdict else ''}")
    lines.append("")
    lines.extend(_table(units))
    counts = {VERIFIED: 0, REFUTED: 0, UNVERIFIABLE: 0}
    for report in reports:
        for status, count in report.counts().items():
            counts[status] += count
    total = sum(counts.values())
    distinct = len({unit.ref for _, unit in units})
    lines.append(
        f"Verified {counts[VERIFIED]} of {total} fix{'es' if total != 1 else ''}; {counts[REFUTED]} refuted"
        f"{' (not written)' if written and counts[REFUTED] else ''}, {counts[UNVERIFIABLE]} unverifiable. "
        f"{distinct} unit{'s' if distinct != 1 else ''}, {builds} build{'s' if builds != 1 else ''} in {seconds:.1f} s "
        f"({workers} worker{'s' if workers != 1 else ''})."
    )
    return "\n".join(lines) + "\n"


def _in_a_unit(report: FileReport, fix: AppliedFix) -> bool:
    return any(fix.key == other.key for unit in report.units for other in unit.fixes)


def _unit_lines(report: FileReport, unit: UnitReport, written: bool) -> list[str]:
    left_out = {fix.key for fix in report.left_out}
    header = f"{unit.ref.file}:{unit.ref.line} {unit.ref.name}: {unit.status}"
    if unit.left_out and len(unit.left_out) < len(unit.fixes):
        header += " (with every fix below; verified again without the refuted ones)"
    lines = [header]
    lines.append(f"  before: {_clip(unit.before_detail, 400)}")
    lines.append(f"  after:  {_clip(unit.after_detail, 400)}")
    verdicts = [(fix, report.verdict(fix)) for fix in unit.fixes if report.verdict(fix) is not None]
    reasons = {verdict.detail for _, verdict in verdicts if verdict.status != VERIFIED}
    if len(reasons) == 1:
        lines.append(f"  why:    {_clip(next(iter(reasons)), 600)}")
    for fix, verdict in verdicts:
        note = ""
        if fix.key in left_out:
            note = " (not written)" if written else " (would not be written)"
        lines.append(f"  {_location(report, fix)}: {fix.finding.code} {verdict.status}{note}: {fix.finding.fix.message}")
        if len(reasons) > 1 and verdict.status != VERIFIED:
            lines.append(f"      why: {_clip(verdict.detail, 600)}")
    return lines


def _table(units: list[tuple[FileReport, UnitReport]]) -> list[str]:
    rows = [("unit", "fixes", "before", "after", "status")]
    for _report, unit in units:
        rows.append((f"{unit.ref.file}:{unit.ref.line} {unit.ref.name}", str(len(unit.fixes)), _clip(unit.before_summary, 40),
                     _clip(unit.after_summary, 40), unit.status))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    out = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]), row[3].ljust(widths[3]), row[4]]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


# -- JSON ---------------------------------------------------------------------------------------


def json_items(report: FileReport, *, include_remaining: bool = True) -> list[tuple[Finding, str | None]]:
    """The findings of one file for `--format json`: each fix the run applied or left out, with
    its `verification` (located in the original file; its edits are offsets into the text the
    fix was made on, which is the original for every first-pass fix), then the remaining
    findings of the fixed text."""
    items: list[tuple[Finding, str | None]] = []
    left_out_keys = {fix.key for fix in report.left_out}
    for fix in [*report.applied, *report.left_out]:
        items.append((_in_original(report, fix), fix.pass_text))
    if include_remaining and report.remaining is not None:
        back = RowMap(report.text, report.original)
        for finding in report.remaining.findings:
            if (finding.code, back.row(finding.row)) in left_out_keys:
                continue  # the left-out fix itself, already listed with its verification
            items.append((finding, report.text))
    return items


def _in_original(report: FileReport, fix: AppliedFix) -> Finding:
    finding = fix.finding
    if fix.pass_text is report.original:
        return finding
    height = finding.end_row - finding.row
    return dataclasses.replace(finding, row=fix.original_row, column=fix.original_column, end_row=fix.original_row + height)
