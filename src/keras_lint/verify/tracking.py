"""The fixer, watched: which text each applied fix was made on, rows mapped between texts, and
fixes left out on request.

`fixer.fix_text` applies fixes in passes; a fix's edits are offsets into the text of its pass.
To know which unit a fix touches in the fixed file, and where it was in the original, each
rule is wrapped so that every finding it reports is remembered with the text it was found in.
Rows are mapped between two texts with a line diff: a row in an unchanged region maps to its
counterpart, a row in a changed region to the whole changed region on the other side.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from keras_lint.diagnostics import Finding
from keras_lint.fixer import FixOutcome, fix_text
from keras_lint.settings import Settings
from keras_lint.source import LineIndex

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class RowMap:
    """Rows (1-based) of text `a` to rows of text `b`."""

    def __init__(self, a: str, b: str):
        self.identical = a == b
        a_lines = _LINE_BREAK.split(a)
        b_lines = _LINE_BREAK.split(b)
        self.b_count = max(1, len(b_lines))
        self.opcodes = [] if self.identical else difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes()

    def rows(self, rows: Iterable[int]) -> set[int]:
        result: set[int] = set()
        for row in rows:
            if self.identical:
                result.add(row)
                continue
            index = row - 1
            for tag, i1, i2, j1, j2 in self.opcodes:
                if i1 <= index < i2:
                    if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                        result.add(j1 + (index - i1) + 1)
                    elif j2 > j1:
                        result.update(range(j1 + 1, j2 + 1))
                    else:  # deleted: the row where it was
                        result.add(min(j1 + 1, self.b_count))
                    break
            else:
                result.add(min(row, self.b_count))
        return result

    def row(self, row: int) -> int:
        return min(self.rows([row]))


@dataclass
class _Tracker:
    original: str
    excluded: frozenset  # (code, original row) of fixes to leave out
    origin: dict = field(default_factory=dict)  # id(finding) -> (finding, text it was found in)
    _lines: dict = field(default_factory=dict)
    _maps: dict = field(default_factory=dict)

    def lines(self, text: str) -> LineIndex:
        index = self._lines.get(id(text))
        if index is None or index.text is not text:
            index = LineIndex(text)
            self._lines[id(text)] = index
        return index

    def to_original(self, text: str) -> RowMap:
        key = id(text)
        entry = self._maps.get(key)
        if entry is None or entry[0] is not text:
            entry = (text, RowMap(text, self.original))
            self._maps[key] = entry
        return entry[1]

    def original_row(self, finding: Finding, text: str) -> int:
        row = self.lines(text).position(finding.start)[0]
        return self.to_original(text).row(row)

    def keep(self, finding: Finding, text: str) -> bool:
        if self.excluded and finding.fix is not None and (finding.code, self.original_row(finding, text)) in self.excluded:
            return False
        self.origin[id(finding)] = (finding, text)
        return True


class _TrackingRule:
    """A rule that reports what the rule reports, remembering where, minus excluded fixes."""

    def __init__(self, rule, tracker: _Tracker):
        self._rule = rule
        self._tracker = tracker
        self.code = rule.code

    def check(self, ctx):
        for finding in self._rule.check(ctx):
            if self._tracker.keep(finding, ctx.text):
                yield finding
            else:  # left out: still reported, without its fix
                yield dataclasses.replace(finding, fix=None, extra=dict(finding.extra))

    def __getattr__(self, name):
        return getattr(self._rule, name)


@dataclass
class AppliedFix:
    """One applied fix, located in the original and in the fixed text."""

    finding: Finding
    pass_text: str  # the text the fix was made on
    original_row: int
    original_column: int
    fixed_rows: set[int]  # rows of the fixed text its edits produced

    @property
    def key(self) -> tuple[str, int]:
        return (self.finding.code, self.original_row)


@dataclass
class TrackedOutcome:
    outcome: FixOutcome
    applied: list[AppliedFix]

    @property
    def text(self) -> str:
        return self.outcome.text


def tracked_fix(
    text: str,
    filename: str,
    settings: Settings,
    rules: list,
    *,
    unsafe: bool = False,
    respect_noqa: bool = True,
    excluded: Iterable[tuple[str, int]] = (),
) -> TrackedOutcome:
    tracker = _Tracker(text, frozenset(excluded))
    wrapped = [_TrackingRule(rule, tracker) for rule in rules]
    outcome = fix_text(text, filename, settings, unsafe=unsafe, rules=wrapped, respect_noqa=respect_noqa)
    applied: list[AppliedFix] = []
    final = outcome.text
    to_final: dict[int, RowMap] = {}
    for finding in outcome.applied:
        pass_text = tracker.origin.get(id(finding), (finding, text))[1]
        lines = tracker.lines(pass_text)
        edit_rows: set[int] = set()
        for edit in finding.fix.edits:
            first = lines.position(edit.start)[0]
            last = lines.position(max(edit.start, edit.end - 1))[0] if edit.end > edit.start else first
            edit_rows.update(range(first, last + 1))
        row_map = to_final.get(id(pass_text))
        if row_map is None:
            row_map = to_final[id(pass_text)] = RowMap(pass_text, final)
        original_row = tracker.original_row(finding, pass_text)
        column = finding.column if pass_text is text else lines.position(finding.start)[1]
        applied.append(AppliedFix(finding, pass_text, original_row, column, row_map.rows(edit_rows)))
    return TrackedOutcome(outcome, applied)
