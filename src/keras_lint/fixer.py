"""Apply fixes until nothing is left to fix, and never hand back code that does not parse.

Each pass lints the current text, takes every applicable fix whose edits do not overlap an
already chosen one, applies them, and starts again; the next pass sees the new text, so fixes
that touch the same import statement are applied one after the other, each on fresh
positions. The result is re-parsed after every pass: if a pass produced code that does not
parse, or the passes do not converge, the original text is returned with an error.

A few rules judge a line by other code in the file (KRS506 and KRS203 read Keras 1 arguments
elsewhere). When `fix` does not fix such a finding (an unsafe fix without `--unsafe-fixes`)
and the other fixes rewrite its evidence, the finding is still reported at its new place,
with a note, rather than vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from keras_lint.diagnostics import Applicability, Finding, apply_edits
from keras_lint.engine import LintResult, lint_text
from keras_lint.rewrite import imports_left_unused
from keras_lint.rules import all_rules
from keras_lint.settings import Settings
from keras_lint.source import LineIndex

MAX_PASSES = 100


@dataclass
class FixOutcome:
    original: str
    text: str  # the fixed text (== original when nothing was applied or on error)
    applied: list[Finding] = field(default_factory=list)
    remaining: LintResult | None = None  # the lint result of the final text
    error: str | None = None  # why nothing was written

    @property
    def changed(self) -> bool:
        return self.text != self.original


def is_applicable(applicability: Applicability, unsafe: bool) -> bool:
    if applicability is Applicability.SAFE:
        return True
    return unsafe and applicability is Applicability.UNSAFE


def fix_text(text: str, filename: str, settings: Settings, *, unsafe: bool = False, rules: list | None = None, respect_noqa: bool = True) -> FixOutcome:
    outcome = FixOutcome(original=text, text=text)
    seen_texts = {text}
    current = text
    # Unfixed findings of rules whose evidence other fixes may rewrite, with their offset in
    # the current text (None once their own text was rewritten).
    watched: list[tuple[Finding, int | None]] | None = None
    for _ in range(MAX_PASSES):
        result = lint_text(current, filename, settings, rules=rules, respect_noqa=respect_noqa)
        if result.parse_error is not None:
            if current == text:
                outcome.remaining = result
                return outcome  # nothing to fix in a file we cannot parse
            outcome.error = (
                f"a fix produced code that does not parse ({result.parse_error.message}); "
                "no change was written. Please report this."
            )
            outcome.text = text
            outcome.applied = []
            outcome.remaining = lint_text(text, filename, settings, rules=rules, respect_noqa=respect_noqa)
            return outcome
        chosen = _choose(result.findings, unsafe)
        if watched is None:
            watched = [(f, f.start) for f in result.findings if f.code in _relying_codes() and f not in chosen]
        if not chosen:
            if current != text:
                # Fixes applied in one pass each saw the others' uses of an import and kept it.
                cleanup = imports_left_unused(text, current)
                cleaned = apply_edits(current, cleanup) if cleanup else current
                if cleaned != current:
                    current = cleaned
                    seen_texts.add(current)
                    watched = [(finding, _moved(offset, cleanup)) for finding, offset in watched or []]
                    continue  # lint the cleaned text (it must still parse and be clean)
            outcome.text = current
            outcome.remaining = result
            _keep_lost_findings(result, watched or [], current)
            return outcome
        edits = _unique_edits(chosen)
        current = apply_edits(current, edits)
        watched = [(finding, _moved(offset, edits)) for finding, offset in watched or []]
        outcome.applied.extend(chosen)
        if current in seen_texts:
            break  # a fix undid another one: a cycle
        seen_texts.add(current)
    outcome.error = f"fixes did not converge after {MAX_PASSES} passes; no change was written. Please report this."
    outcome.text = text
    outcome.applied = []
    outcome.remaining = lint_text(text, filename, settings, rules=rules, respect_noqa=respect_noqa)
    return outcome


def _choose(findings: list[Finding], unsafe: bool) -> list[Finding]:
    """Applicable fixes whose edits do not overlap those already chosen. An edit identical to
    one already chosen (several fixes adding the same import, or removing the same unused
    one) is shared, not a conflict: it is applied once."""
    chosen: list[Finding] = []
    chosen_edits: set = set()
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits or not is_applicable(fix.applicability, unsafe):
            continue
        own = [edit for edit in fix.edits if edit not in chosen_edits]
        if any(edit.overlaps(other) for edit in own for other in chosen_edits):
            continue
        chosen.append(finding)
        chosen_edits.update(own)
    return chosen


def _unique_edits(chosen: list[Finding]) -> list:
    edits = []
    seen = set()
    for finding in chosen:
        for edit in finding.fix.edits:
            if edit not in seen:
                seen.add(edit)
                edits.append(edit)
    return edits


@cache
def _relying_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in all_rules() if rule.relies_on_other_code)


def _moved(offset: int | None, edits: list) -> int | None:
    """Where `offset` is after `edits`; None when an edit rewrote the text at it."""
    if offset is None:
        return None
    shift = 0
    for edit in edits:
        if edit.end <= offset:
            shift += len(edit.content) - (edit.end - edit.start)
        elif edit.start <= offset:
            return None
    return offset + shift


def _keep_lost_findings(result: LintResult, watched: list[tuple[Finding, int | None]], text: str) -> None:
    """A finding `fix` did not fix, whose evidence the other fixes rewrote, stays reported (at
    its new place) instead of vanishing with its evidence."""
    present = {(f.code, f.start) for f in result.findings}
    lines = None
    for finding, offset in watched:
        if offset is None or (finding.code, offset) in present:
            continue
        lines = lines or LineIndex(text)
        kept = replace(
            finding,
            message=finding.message + " (reported before the other fixes rewrote the Keras 1 code it relies on)",
            start=offset,
            end=offset + (finding.end - finding.start),
            fix=None,
        )
        kept.row, kept.column = lines.position(kept.start)
        kept.end_row, kept.end_column = lines.position(kept.end)
        result.findings.append(kept)
    result.findings.sort(key=lambda f: f.sort_key)
