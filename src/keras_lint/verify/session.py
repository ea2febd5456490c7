"""Verification of the fixes of a run: units, before/after builds, verdicts, rounds.

For each file: fix it (watched, see `tracking`), find the units the applied fixes touch in the
fixed text (see `slicing`), and build each unit twice in the worker pool: before (the original
file) and after (the fixed file, with *all* the fixes the run applied to it). Every fix in a
unit gets the unit's result:

* **verified**: the after-unit passes every check that applies;
* **refuted**: the after-unit fails on a statement the fix changed, or the unit passed before
  the fixes and fails after them (then every fix in it is refuted). A refuted fix is left out
  and the file is fixed and verified again without it (the next round), so it is never written;
* **unverifiable**: the unit cannot be built (a required argument, data loading, ...), the
  worker crashed or timed out, or the after-unit fails on a statement no fix changed: another
  problem keras-lint has no applied fix for blocks it (a remaining finding there is named).
"""

from __future__ import annotations

import hashlib
import json
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from keras_lint.diagnostics import Finding
from keras_lint.engine import LintResult, enabled_rules
from keras_lint.settings import Settings
from keras_lint.source import LineIndex
from keras_lint.verify import REFUTED, UNVERIFIABLE, VERIFIED
from keras_lint.verify.pool import Job, JobResult, WorkerPool
from keras_lint.verify.slicing import SliceError, Unit, UnitFinder
from keras_lint.verify.tracking import AppliedFix, RowMap, TrackedOutcome, tracked_fix

MAX_ROUNDS = 4
_SEVERITY = {VERIFIED: 0, UNVERIFIABLE: 1, REFUTED: 2}


@dataclass(frozen=True)
class UnitRef:
    file: str
    line: int
    name: str

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "name": self.name}


@dataclass(frozen=True)
class Verdict:
    status: str
    detail: str
    unit: UnitRef | None = None

    def to_json(self) -> dict:
        return {"status": self.status, "detail": self.detail, "unit": self.unit.to_json() if self.unit else None}


@dataclass
class UnitReport:
    """One unit of one file, built before and after the fixes."""

    ref: UnitRef
    fixes: list[AppliedFix]
    status: str
    after: JobResult | None
    before: JobResult | None
    problem: str | None = None  # why it could not be built
    before_problem: str | None = None
    after_row: int | None = None  # the row the after-unit failed at, in the original's numbering
    # The fixes of this unit that were left out after this build (the unit is then verified
    # again without them, in another report).
    left_out: list[AppliedFix] = field(default_factory=list)

    @property
    def after_summary(self) -> str:
        if self.problem or self.after is None:
            return "not built"
        if self.after.ok:
            return built_summary(self.after, short=True)
        return failure_summary(self.after, short=True, row=self.after_row)

    @property
    def before_summary(self) -> str:
        if self.before is None:
            return "not built"
        if self.before.ok:
            return built_summary(self.before, short=True)
        return failure_summary(self.before, short=True)

    @property
    def after_detail(self) -> str:
        if self.problem:
            return f"not built: {self.problem}"
        if self.after is None:
            return "not built"
        if self.after.ok:
            return built_summary(self.after)
        error = dict(self.after.error or {})
        if error.get("row") is not None:
            error["row"] = self.after_row
        return describe_error(error)

    @property
    def before_detail(self) -> str:
        if self.before is None:
            return "not built" + (f": {self.before_problem}" if self.before_problem and self.before_problem != "absent" else "")
        if self.before.ok:
            return built_summary(self.before)
        return describe_error(self.before.error or {})


@dataclass
class SourceFile:
    filename: str
    text: str


@dataclass
class FileReport:
    filename: str
    original: str
    text: str = ""  # the text to write: the original with every fix that was not left out
    applied: list[AppliedFix] = field(default_factory=list)  # fixes in `text`
    left_out: list[AppliedFix] = field(default_factory=list)  # refuted (or, strictly, not verified)
    verdicts: dict[tuple[str, int], Verdict] = field(default_factory=dict)
    units: list[UnitReport] = field(default_factory=list)
    remaining: LintResult | None = None
    error: str | None = None
    internal_errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def verdict(self, fix: AppliedFix) -> Verdict | None:
        return self.verdicts.get(fix.key)

    def counts(self) -> dict[str, int]:
        counts = {VERIFIED: 0, REFUTED: 0, UNVERIFIABLE: 0}
        for fix in [*self.applied, *self.left_out]:
            verdict = self.verdicts.get(fix.key)
            if verdict is not None:
                counts[verdict.status] += 1
        return counts


class _FileState:
    def __init__(self, source: SourceFile):
        self.source = source
        self.excluded: set[tuple[str, int]] = set()
        self.left_out: dict[tuple[str, int], AppliedFix] = {}
        self.final_verdicts: dict[tuple[str, int], Verdict] = {}
        self.tracked: TrackedOutcome | None = None
        self.units: list[UnitReport] = []
        self.verdicts: dict[tuple[str, int], Verdict] = {}
        self.left_out_units: list[UnitReport] = []  # the units in which left-out fixes were judged
        self.internal_error: str | None = None
        self._before: UnitFinder | None | str = None

    @property
    def before_finder(self) -> UnitFinder | None:
        if self._before is None:
            try:
                self._before = UnitFinder(self.source.text)
            except SliceError as exc:
                self._before = str(exc)
        return self._before if isinstance(self._before, UnitFinder) else None


@dataclass
class _PlannedUnit:
    after: Unit
    before: Unit | None
    fixes: list[AppliedFix]
    after_job: str | None = None
    before_job: str | None = None


@dataclass
class _Plan:
    """What one round builds for one file."""

    state: _FileState
    finder: UnitFinder | None
    units: list[_PlannedUnit]
    unassigned: list[AppliedFix]
    jobs: dict[str, Job]


class Verifier:
    def __init__(
        self,
        settings: Settings,
        pool: WorkerPool,
        *,
        unsafe: bool = False,
        respect_noqa: bool = True,
        verified_only: bool = False,
        rules: Callable[[str], list] | None = None,
        progress: Callable[[int, int], None] | None = None,
        timeout: float | None = None,
    ):
        self.settings = settings
        self.pool = pool
        self.unsafe = unsafe
        self.respect_noqa = respect_noqa
        self.verified_only = verified_only
        self.rules = rules or (lambda filename: enabled_rules(settings, filename))
        self.progress = progress
        self.timeout = timeout
        self._results: dict[str, JobResult] = {}
        self.builds = 0

    def verify(self, sources: list[SourceFile]) -> list[FileReport]:
        states = [_FileState(source) for source in sources]
        todo = list(states)
        for _round in range(MAX_ROUNDS):
            plans = [plan for plan in (self._guarded(self._plan, state) for state in todo) if plan is not None]
            self._run([job for plan in plans for job in plan.jobs.values()])
            todo = [plan.state for plan in plans if self._guarded(self._judge, plan, state=plan.state)]
            if not todo:
                break
        else:
            # Out of rounds: fix once more without the refuted fixes; what was not verified on
            # the final text is reported as such.
            for state in todo:
                self._fix(state)
                gave_up = f"its unit changed when other fixes were left out, and verification gave up after {MAX_ROUNDS} rounds"
                for fix in state.tracked.applied:
                    verdict = state.verdicts.get(fix.key)
                    state.verdicts[fix.key] = Verdict(UNVERIFIABLE, gave_up, verdict.unit if verdict else None)
                    if self.verified_only:
                        state.excluded.add(fix.key)
                        state.left_out[fix.key] = fix
                        state.final_verdicts[fix.key] = state.verdicts[fix.key]
                if self.verified_only:
                    self._fix(state)
        return [self._report(state) for state in states]

    def _guarded(self, step, item, *, state: _FileState | None = None):
        """A bug in verification costs one file its verification, never the run: its fixes are
        reported unverifiable, with the error."""
        try:
            return step(item)
        except Exception as exc:
            state = state or item
            message = f"internal error in keras-lint verify ({type(exc).__name__}: {exc}); please report this with the file"
            state.internal_error = f"{state.source.filename}: {message}\n" + traceback.format_exc(limit=6)
            if state.tracked is not None:
                for fix in state.tracked.applied:
                    state.verdicts[fix.key] = Verdict(UNVERIFIABLE, message)
            return None

    # -- planning ----------------------------------------------------------------------------

    def _fix(self, state: _FileState) -> None:
        source = state.source
        state.tracked = tracked_fix(
            source.text, source.filename, self.settings, self.rules(source.filename),
            unsafe=self.unsafe, respect_noqa=self.respect_noqa, excluded=state.excluded,
        )

    def _plan(self, state: _FileState) -> _Plan:
        self._fix(state)
        tracked = state.tracked
        if not tracked.applied:
            return _Plan(state, None, [], [], {})
        try:
            finder = UnitFinder(tracked.text)
        except SliceError as exc:
            for fix in tracked.applied:
                state.verdicts[fix.key] = Verdict(UNVERIFIABLE, f"the fixed file cannot be analysed: {exc}")
            return _Plan(state, None, [], list(tracked.applied), {})
        by_unit: dict[tuple[str, str], tuple[Unit, list[AppliedFix]]] = {}
        unassigned = []
        for fix in tracked.applied:
            # The import edits that come with a rename follow the change they serve: a fix is
            # verified in the units of its other edits when it has any.
            rows = fix.fixed_rows - finder.import_rows or fix.fixed_rows
            units = finder.units_for_rows(rows)
            if not units:
                unassigned.append(fix)
            for unit in units:
                by_unit.setdefault(unit.key, (unit, []))[1].append(fix)
        before_finder = state.before_finder
        planned = []
        jobs: dict[str, Job] = {}
        for unit, fixes in by_unit.values():
            entry = _PlannedUnit(unit, before_finder.unit(unit.key) if before_finder is not None else None, fixes)
            planned.append(entry)
            if unit.problem is None:
                job = self._job(state.source.filename, unit, "after", _expectations(fixes, tracked.text))
                jobs[job.id] = job
                entry.after_job = job.id
                if entry.before is not None and entry.before.problem is None:
                    job = self._job(state.source.filename, entry.before, "before", ())
                    jobs[job.id] = job
                    entry.before_job = job.id
        return _Plan(state, finder, planned, unassigned, jobs)

    def _job(self, filename: str, unit: Unit, side: str, expect: tuple) -> Job:
        label = f"<keras-lint verify {side}: {filename}>"
        content = json.dumps([unit.program, unit.call, unit.results, list(expect), label], sort_keys=True)
        job_id = hashlib.sha1(content.encode("utf-8")).hexdigest()[:20]
        return Job(job_id, unit.program, label, unit.call, unit.results, expect)

    def _run(self, jobs: list[Job]) -> None:
        unique: dict[str, Job] = {}
        for job in jobs:
            if job.id not in self._results:
                unique[job.id] = job
        if not unique:
            return
        self.builds += len(unique)
        self._results.update(self.pool.run(list(unique.values()), self.progress, self.timeout))

    def result(self, job_id: str | None) -> JobResult | None:
        return self._results.get(job_id) if job_id else None

    # -- judging -----------------------------------------------------------------------------

    def _judge(self, plan: _Plan) -> bool:
        """Verdicts for the plan's fixes; True when fixes must be left out and the file done
        again."""
        state = plan.state
        tracked = state.tracked
        state.units = []
        for fix in plan.unassigned:
            state.verdicts[fix.key] = Verdict(
                UNVERIFIABLE,
                f"the fix changes code no model-building unit runs (line {fix.original_row}: training, evaluation, data loading, "
                "I/O, or code no model depends on); verify built nothing for it",
            )
        remaining = tracked.outcome.remaining.findings if tracked.outcome.remaining is not None else []
        to_original = RowMap(tracked.text, state.source.text)
        from_original = RowMap(state.source.text, tracked.text)
        unit_verdicts: dict[tuple[str, int], list[Verdict]] = {}
        for planned in plan.units:
            unit, before_unit, fixes = planned.after, planned.before, planned.fixes
            ref = UnitRef(state.source.filename, before_unit.row if before_unit is not None else to_original.row(unit.row), unit.label)
            after = self.result(planned.after_job)
            before = self.result(planned.before_job)
            verdicts = _judge_unit(unit, after, before, before_unit, fixes, remaining, plan.finder, from_original, to_original, ref, state.source.text)
            status = max((v.status for v in verdicts.values()), key=_SEVERITY.__getitem__, default=VERIFIED)
            after_row = (after.error or {}).get("row") if after is not None else None
            state.units.append(UnitReport(
                ref, fixes, status, after, before, unit.problem, before_unit.problem if before_unit else "absent",
                to_original.row(after_row) if after_row is not None else None,
            ))
            for key, verdict in verdicts.items():
                unit_verdicts.setdefault(key, []).append(verdict)
        for key, verdicts in unit_verdicts.items():
            state.verdicts[key] = max(verdicts, key=lambda v: _SEVERITY[v.status])
        leave_out = []
        for fix in tracked.applied:
            verdict = state.verdicts.get(fix.key)
            if verdict is None:
                continue
            if verdict.status == REFUTED or (self.verified_only and verdict.status != VERIFIED):
                leave_out.append(fix)
        if not leave_out:
            return False
        for fix in leave_out:
            state.excluded.add(fix.key)
            state.left_out[fix.key] = fix
            state.final_verdicts[fix.key] = state.verdicts[fix.key]
        keys = {fix.key for fix in leave_out}
        for unit_report in state.units:
            if any(fix.key in keys for fix in unit_report.fixes) and unit_report not in state.left_out_units:
                unit_report.left_out = [fix for fix in unit_report.fixes if fix.key in keys]
                state.left_out_units.append(unit_report)
        return True

    def _report(self, state: _FileState) -> FileReport:
        tracked = state.tracked
        report = FileReport(state.source.filename, state.source.text)
        if tracked is None:
            report.text = state.source.text
            return report
        report.text = tracked.text
        report.applied = list(tracked.applied)
        report.left_out = list(state.left_out.values())
        report.verdicts = {**state.verdicts, **state.final_verdicts}
        report.units = [*state.left_out_units, *state.units]
        report.remaining = tracked.outcome.remaining
        report.error = tracked.outcome.error
        if tracked.outcome.remaining is not None:
            report.internal_errors = list(tracked.outcome.remaining.internal_errors)
        if state.internal_error:
            report.internal_errors.append(state.internal_error)
        for fix in [*report.applied, *report.left_out]:
            verdict = report.verdicts.get(fix.key)
            if verdict is not None:
                fix.finding.extra["verification"] = verdict.to_json()
        return report


def _expectations(fixes: list[AppliedFix], fixed_text: str) -> tuple:
    """Silent-meaning fixes say what the fixed layer's config must be:
    `finding.extra["expected_config"] = {"config": {...}, "layer": "Conv2D"}`, checked on the
    layers created on the finding's line of the fixed file."""
    result = []
    for fix in fixes:
        expected = fix.finding.extra.get("expected_config")
        if not expected:
            continue
        row = RowMap(fix.pass_text, fixed_text).row(_row_of(fix.pass_text, fix.finding.start))
        result.append({"row": row, "layer": expected.get("layer"), "config": expected.get("config", {}), "ref": f"{fix.finding.code}:{fix.original_row}"})
    return tuple(json.loads(json.dumps(result, default=list)))


def _row_of(text: str, offset: int) -> int:
    return LineIndex(text).position(offset)[0]


_NAMED = re.compile(
    r"cannot import name '(\w+)'|name '(\w+)' is not defined|has no attribute '(\w+)'|"
    r"unexpected keyword argument '(\w+)'|No module named '([\w.]+)'"
)


def _preexisting(error: dict, before: JobResult | None, from_original: RowMap, statement: set[int], to_original: RowMap,
                 original: str, remaining: list[Finding]) -> str | None:
    """Why a failure on a statement a fix changed is not the fix's doing, or None: it failed the
    same way before, or it is about a name that was already there."""
    match = _NAMED.search(str(error.get("message") or ""))
    name = next(group for group in match.groups() if group) if match else None
    hint = ""
    if name is not None:
        reporters = [f for f in remaining if f"`{name}" in f.message]
        if reporters:
            hint = f"; {reporters[0].code} at line {to_original.row(reporters[0].row)} reports `{name}`, and has no applied fix"
    before_error = (before.error or {}) if before is not None else {}
    if (
        before_error.get("row") is not None
        and from_original.rows([before_error["row"]]) & statement
        and before_error.get("type") == error.get("type")
        and before_error.get("message") == error.get("message")
    ):
        return f"exactly as before the fixes{hint or ': no applied fix is about it'}"
    if name is None:
        return None
    lines = original.splitlines()
    old_statement = "\n".join(lines[r - 1] for r in sorted(to_original.rows(statement)) if 0 < r <= len(lines))
    if re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", old_statement):
        return f"and `{name}` was there before the fixes: no applied fix brought it in{hint}"
    return None


def _judge_unit(
    unit: Unit,
    after: JobResult | None,
    before: JobResult | None,
    before_unit: Unit | None,
    fixes: list[AppliedFix],
    remaining: list[Finding],
    finder: UnitFinder,
    from_original: RowMap,
    to_original: RowMap,
    ref: UnitRef,
    original_text: str,
) -> dict[tuple[str, int], Verdict]:
    def every(status: str, detail: str) -> dict:
        return {fix.key: Verdict(status, detail, ref) for fix in fixes}

    before_text = describe_before(before, before_unit)
    if unit.problem:
        return every(UNVERIFIABLE, f"`{unit.label}` cannot be built: {unit.problem}")
    if after is None:
        return every(UNVERIFIABLE, "it was not built")
    if after.lost:
        return every(UNVERIFIABLE, f"building `{unit.label}` did not finish: {after.error['message']}")
    if after.ok:
        return every(VERIFIED, f"{built_summary(after, label=unit.label)} Before: {before_text}.")
    error = after.error or {}
    row = error.get("row")
    # Rows are told in the original file's numbering, like the findings.
    failure = describe_error({**error, "row": to_original.row(row)} if row is not None else error)
    before_ok = before is not None and before.ok
    if row is None:
        if before_ok:
            return every(REFUTED, f"`{unit.label}` passed every check before the fixes and fails after them: {failure}")
        return every(UNVERIFIABLE, f"after the fixes, `{unit.label}` still fails: {failure}. Before: {before_text}.")
    first, last = finder.statement_rows(row)
    statement = set(range(first, last + 1))
    blockers = [f for f in remaining if statement & set(range(f.row, max(f.row, f.end_row) + 1))]
    touching = [fix for fix in fixes if fix.fixed_rows & statement]
    if blockers:
        blocker = blockers[0]
        return every(
            UNVERIFIABLE,
            f"blocked: after the fixes, {failure}; {blocker.code} is reported there ({_clip(blocker.message, 160)}) and has no applied fix. "
            f"Before: {before_text}.",
        )
    if touching:
        old = _preexisting(error, before, from_original, statement, to_original, original_text, remaining)
        if old is not None:
            said_before = "" if old.startswith("exactly") else f" Before: {before_text}."
            return every(UNVERIFIABLE, f"blocked: {failure}, {old}.{said_before}")
        verdicts = {}
        codes = ", ".join(sorted({f"{fix.finding.code} (line {fix.original_row})" for fix in touching}))
        for fix in fixes:
            if fix in touching:
                verdicts[fix.key] = Verdict(REFUTED, f"after the fix, {failure}. Before: {before_text}.", ref)
            else:
                verdicts[fix.key] = Verdict(UNVERIFIABLE, f"`{unit.label}` fails on a line another fix changed ({codes}): {failure}", ref)
        return verdicts
    if before_ok:
        return every(REFUTED, f"`{unit.label}` passed every check before the fixes and fails after them: {failure}")
    before_error = (before.error or {}) if before is not None else {}
    before_row = before_error.get("row")
    if before_row is not None and from_original.rows([before_row]) & statement and before_error.get("type") == error.get("type"):
        return every(UNVERIFIABLE, f"{failure}, before and after the fixes; keras-lint has no applied fix for it")
    if before_row is not None:
        return every(
            UNVERIFIABLE,
            f"the fixes get the build past line {before_row} (where it failed: {describe_error(before_error, with_row=False)}), "
            f"but it now fails on a line no fix changed: {failure}",
        )
    return every(UNVERIFIABLE, f"after the fixes, {failure}, on a line no fix changed. Before: {before_text}.")


# -- words ----------------------------------------------------------------------------------------

_STAGE_WORDS = {
    "train": "the training step on random data failed: ",
    "forward": "a forward pass on random data failed: ",
    "identifiers": "",
    "config": "",
}


_MODULE_FILE = re.compile(r" \((?:/|[A-Za-z]:\\)[^()]*\.py\)")
_KERAS_TENSOR = re.compile(r"<KerasTensor shape=(\([^)]*\))[^>]*>")


def describe_error(error: dict, *, with_row: bool = True, limit: int = 400) -> str:
    kind = error.get("type") or "Error"
    message = _KERAS_TENSOR.sub(r"<KerasTensor shape=\1>", " ".join(str(error.get("message") or "").split()))
    message = _MODULE_FILE.sub("", message)
    message = _clip(message.rstrip("."), limit)
    stage = _STAGE_WORDS.get(error.get("stage") or "", "")
    where = f"line {error['row']}: " if with_row and error.get("row") else ""
    if kind in ("CheckFailed", "ConfigMismatch", "NoModel"):
        return f"{where}{stage}{message}"
    return f"{where}{stage}{kind}: {message}"


def describe_before(before: JobResult | None, before_unit: Unit | None) -> str:
    if before_unit is None:
        return "the unit did not exist"
    if before_unit.problem:
        return f"not built ({before_unit.problem})"
    if before is None:
        return "not built"
    if before.lost:
        return f"not built ({before.error['message']})"
    if before.ok:
        return "it passed every check"
    return describe_error(before.error or {})


def format_shape(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list) and shape and isinstance(shape[0], list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    if isinstance(shape, list):
        inner = ", ".join("None" if d is None else str(d) for d in shape)
        return f"({inner},)" if len(shape) == 1 else f"({inner})"
    return str(shape)


def built_summary(result: JobResult, *, label: str | None = None, short: bool = False) -> str:
    parts = []
    for value in result.values:
        kind = value.get("kind")
        if kind == "model":
            if short:
                text = f"{format_shape(value.get('output_shape'))}"
                if value.get("trained") is not None:
                    text += " trained"
                parts.append(text)
                continue
            text = f"a {value.get('class')} model with output {format_shape(value.get('output_shape'))}"
            if value.get("compiled"):
                text += ", compiled (loss and metrics resolve)"
            if value.get("trained") is not None:
                shapes = " and ".join(format_shape(s) for s in value.get("data_shapes") or [])
                loss = value["trained"].get("loss")
                text += f", one training step on random data of shape {shapes}"
                if isinstance(loss, float):
                    text += f" (loss {loss:.4g})"
            elif value.get("forward") is not None:
                shapes = " and ".join(format_shape(s) for s in value.get("data_shapes") or [])
                text += f", one forward pass on random data of shape {shapes}"
            if value.get("note"):
                text += f" ({value['note']})"
            parts.append(text)
        elif kind == "tensor":
            parts.append(f"a KerasTensor of shape {format_shape(value.get('shape'))}" if not short else format_shape(value.get("shape")))
        else:
            parts.append(f"a {value.get('class')}" if not short else value.get("class") or "object")
    if short:
        return "builds " + ", ".join(parts)
    for check in result.config_checks:
        if check.get("ok"):
            parts.append(f"layer config as the fix means ({check.get('detail')})")
    what = "; ".join(parts)
    return f"`{label}` builds {what}." if label else f"builds {what}."


def failure_summary(result: JobResult, *, short: bool = False, row: int | None = None) -> str:
    error = result.error or {}
    if short and result.lost:
        return "timed out" if error.get("type") == "Timeout" else "not built (worker)"
    if short:
        row = row if row is not None else error.get("row")
        where = f"line {row}" if row else (error.get("stage") or "")
        return f"fails ({where}: {error.get('type')})" if where else f"fails ({error.get('type')})"
    return describe_error(error)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
