"""Checking and fixing many files: settings per file, the result cache, and worker processes.

Files are linted in worker processes when there are enough of them to pay for the workers. On
Linux the workers are forked after the parent has imported the rules, so they start in a few
milliseconds; where only spawn is available (macOS, Windows) each worker imports LibCST and the
rules again (about 0.3 s), so a run needs many more files before it goes parallel.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from keras_lint.cache import ResultCache, content_hash
from keras_lint.diagnostics import Applicability, Finding
from keras_lint.settings import Settings
from keras_lint.source import PREFILTER_BYTES

if TYPE_CHECKING:
    from keras_lint.commands.common import Input
    from keras_lint.config import ConfigResolver


@dataclass
class FileResult:
    filename: str  # as reported
    path: str | None  # on disk (None: standard input)
    data: bytes  # the content the findings refer to (the fixed content after a fix)
    settings: Settings
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    cached: bool = False
    # Fix runs only:
    original: bytes | None = None  # the content before fixing, when it changed
    applied: list[Finding] = field(default_factory=list)
    error: str | None = None  # why a fix was not written

    @property
    def changed(self) -> bool:
        return self.original is not None and self.original != self.data

    @functools.cached_property
    def text(self) -> str | None:
        """The decoded content, or None when it does not decode."""
        from keras_lint.source import SourceDecodeError, decode_source

        try:
            return decode_source(self.data).text
        except SourceDecodeError:
            return None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    """fork where it is safe and cheap (Linux), else the platform default."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _parallel_threshold(context) -> int:
    # Below this many files to analyse, starting workers costs more than it saves.
    return 8 if context.get_start_method() == "fork" else 64


_WARM_UP = "import keras\nmodel = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])\nmodel.compile(loss='mse', metrics=['mae'])\n"


def _warm_up() -> None:
    """Load the rules and the Keras knowledge once, before the workers are forked."""
    from keras_lint.engine import lint_text

    try:
        lint_text(_WARM_UP, "warm_up.py", Settings(select=("ALL",)))
    except Exception:  # only an optimisation
        pass


def run_jobs(function: Callable, jobs: Sequence, workers: int) -> list:
    """`[function(job) for job in jobs]`, across processes when it pays."""
    if workers <= 1 or len(jobs) < 2:
        return [function(job) for job in jobs]
    context = _context()
    if len(jobs) < _parallel_threshold(context):
        return [function(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _warm_up()  # forked workers inherit what the parent has loaded
    workers = min(workers, len(jobs))
    chunksize = max(1, min(32, len(jobs) // (workers * 4)))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(function, jobs, chunksize=chunksize))
    except (BrokenProcessPool, OSError):
        # A worker died (or processes cannot be created here): do it all in this process.
        return [function(job) for job in jobs]


# -- settings validation ---------------------------------------------------------------------------


class SettingsPreparer:
    """Checks each distinct configuration against the rules once per run (or once ever, when the
    cache remembers it), and keys rule options by code. Loads the rules only when needed."""

    def __init__(self, cache: ResultCache | None):
        self.cache = cache
        self._prepared: dict[int, Settings] = {}

    def __call__(self, settings: Settings) -> Settings:
        prepared = self._prepared.get(id(settings))
        if prepared is None:
            from keras_lint.config import check_against_rules, normalise_rule_options

            fingerprint = settings.fingerprint()
            if self.cache is None or not self.cache.settings_validated(fingerprint):
                check_against_rules(settings)
                if self.cache is not None:
                    self.cache.mark_validated(fingerprint)
            prepared = normalise_rule_options(settings)
            self._prepared[id(settings)] = prepared
        return prepared


# -- check ------------------------------------------------------------------------------------------


def _lint_job(job: tuple) -> tuple[list[Finding], list[str]]:
    from keras_lint.engine import lint_bytes

    filename, data, settings, respect_noqa = job
    result = lint_bytes(data, filename, settings, respect_noqa=respect_noqa)
    return result.findings, result.internal_errors


def settings_for_input(item: Input, resolver: ConfigResolver) -> Settings:
    if item.settings is not None:
        return item.settings
    if item.path is not None:
        return resolver.settings_for(item.path)
    if item.filename not in ("-", "stdin"):
        return resolver.settings_for(item.filename)
    return resolver.settings_for(os.getcwd())


def _fingerprints() -> Callable[[Settings], str]:
    """Settings.fingerprint, computed once per settings object of a run."""
    memo: dict[int, str] = {}

    def fingerprint(settings: Settings) -> str:
        value = memo.get(id(settings))
        if value is None:
            value = memo[id(settings)] = settings.fingerprint()
        return value

    return fingerprint


def check_inputs(inputs: Sequence[Input], resolver: ConfigResolver, *, respect_noqa: bool = True,
                 cache: ResultCache | None = None, workers: int = 1) -> list[FileResult]:
    fingerprint = _fingerprints()
    results: list[FileResult] = []
    pending: list[tuple[FileResult, str | None]] = []
    for item in inputs:
        settings = settings_for_input(item, resolver)
        result = FileResult(item.filename, item.path, item.data, settings)
        results.append(result)
        if PREFILTER_BYTES not in item.data:
            continue  # no Keras in it: nothing to find, nothing worth caching
        digest = content_hash(item.data) if cache is not None and item.path is not None else None
        if digest is not None:
            cached = cache.get(item.path, digest, fingerprint(settings), respect_noqa)
            if cached is not None:
                for finding in cached:
                    finding.filename = item.filename
                result.findings, result.cached = cached, True
                continue
        pending.append((result, digest))
    if pending:
        prepare = SettingsPreparer(cache)
        jobs = [(result.filename, result.data, prepare(result.settings), respect_noqa) for result, _ in pending]
        for (result, digest), (findings, errors) in zip(pending, run_jobs(_lint_job, jobs, workers)):
            result.findings, result.internal_errors = findings, errors
            if digest is not None and not errors:
                cache.put(result.path, digest, fingerprint(result.settings), respect_noqa, findings)
    if cache is not None:
        cache.save()
    return results


# -- fix ---------------------------------------------------------------------------------------------


def _fix_job(job: tuple) -> dict:
    from keras_lint.engine import lint_bytes
    from keras_lint.fixer import fix_text
    from keras_lint.source import SourceDecodeError, decode_source

    filename, data, settings, unsafe, respect_noqa = job
    try:
        source = decode_source(data)
    except SourceDecodeError:
        result = lint_bytes(data, filename, settings, respect_noqa=respect_noqa)
        return {"data": data, "findings": result.findings, "errors": result.internal_errors, "applied": [], "error": None}
    outcome = fix_text(source.text, filename, settings, unsafe=unsafe, respect_noqa=respect_noqa)
    remaining = outcome.remaining
    return {
        "data": source.encode(outcome.text) if outcome.changed else data,
        "findings": remaining.findings if remaining is not None else [],
        "errors": remaining.internal_errors if remaining is not None else [],
        "applied": outcome.applied,
        "error": outcome.error,
    }


def has_applicable_fix(findings: list[Finding], unsafe: bool) -> bool:
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits:
            continue
        if fix.applicability is Applicability.SAFE or (unsafe and fix.applicability is Applicability.UNSAFE):
            return True
    return False


def fix_inputs(inputs: Sequence[Input], resolver: ConfigResolver, *, unsafe: bool | None = None, respect_noqa: bool = True,
               cache: ResultCache | None = None, workers: int = 1) -> list[FileResult]:
    """Fix every input in memory (writing is the caller's business). `unsafe=None` takes
    `unsafe-fixes` from each file's settings."""
    fingerprint = _fingerprints()
    results: list[FileResult] = []
    pending: list[FileResult] = []
    for item in inputs:
        settings = settings_for_input(item, resolver)
        result = FileResult(item.filename, item.path, item.data, settings)
        results.append(result)
        if PREFILTER_BYTES not in item.data:
            continue
        file_unsafe = settings.unsafe_fixes if unsafe is None else unsafe
        if cache is not None and item.path is not None:
            cached = cache.get(item.path, content_hash(item.data), fingerprint(settings), respect_noqa)
            if cached is not None and not has_applicable_fix(cached, file_unsafe):
                for finding in cached:
                    finding.filename = item.filename
                result.findings, result.cached = cached, True
                continue
        pending.append(result)
    if pending:
        prepare = SettingsPreparer(cache)
        jobs = [(r.filename, r.data, prepare(r.settings), r.settings.unsafe_fixes if unsafe is None else unsafe, respect_noqa) for r in pending]
        for result, outcome in zip(pending, run_jobs(_fix_job, jobs, workers)):
            if outcome["data"] != result.data:
                result.original = result.data
                result.data = outcome["data"]
            result.findings = outcome["findings"]
            result.internal_errors = outcome["errors"]
            result.applied = outcome["applied"]
            result.error = outcome["error"]
            if cache is not None and result.path is not None and not result.internal_errors and result.error is None:
                cache.put(result.path, content_hash(result.data), fingerprint(result.settings), respect_noqa, result.findings)
    return results
