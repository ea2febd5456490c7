"""Worker processes that build units in TensorFlow, reused across units.

Each worker is `python -m keras_lint.verify.worker` in its own temporary directory (its working
directory, `TMPDIR` and `KERAS_HOME`), with a memory limit (`RLIMIT_AS`), no core dumps, quiet
TensorFlow logging and no GPU. It imports TensorFlow once and then runs jobs one at a time.
A job that runs past its timeout is stopped inside the worker (the worker survives); a worker
that does not answer within a grace period after that, or that dies (a crash, the memory
limit), is killed and replaced, and only that job is reported as lost.

The parent never imports TensorFlow.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 8192
# How long a worker may take to import TensorFlow (several seconds; more on a busy machine).
START_TIMEOUT = 240.0
# How long past its timeout a job may take to be stopped inside the worker before it is killed.
KILL_GRACE = 10.0


@dataclass(frozen=True)
class Job:
    id: str
    program: str
    filename: str  # the name tracebacks show for the program
    call: str | None = None
    results: tuple[str, ...] = ()
    expect: tuple = ()  # silent-meaning expectations: ({"row", "layer", "config", "ref"}, ...)

    def message(self, timeout: float) -> dict:
        return {
            "id": self.id,
            "program": self.program,
            "filename": self.filename,
            "call": self.call,
            "results": list(self.results),
            "expect": list(self.expect),
            "timeout": timeout,
        }


@dataclass
class JobResult:
    id: str
    ok: bool
    values: list[dict] = field(default_factory=list)
    # {"stage", "type", "message", "row"}; stage is run, call, result, check, identifiers,
    # train, forward, config, or worker (the worker was lost: crash, hang, could not start).
    error: dict | None = None
    seconds: float = 0.0
    config_checks: list[dict] = field(default_factory=list)

    @property
    def lost(self) -> bool:
        """The job did not finish (it timed out, or its worker was lost): nothing is known about
        the unit."""
        return self.error is not None and (self.error.get("stage") == "worker" or self.error.get("type") == "Timeout")

    @classmethod
    def from_message(cls, message: dict) -> JobResult:
        return cls(
            id=str(message.get("id")),
            ok=bool(message.get("ok")),
            values=list(message.get("values") or []),
            error=message.get("error"),
            seconds=float(message.get("seconds") or 0.0),
            config_checks=list(message.get("config_checks") or []),
        )

    @classmethod
    def worker_error(cls, job_id: str, kind: str, message: str, seconds: float = 0.0) -> JobResult:
        return cls(id=job_id, ok=False, error={"stage": "worker", "type": kind, "message": message, "row": None}, seconds=seconds)


class _Worker:
    def __init__(self, config: dict):
        self.dir = tempfile.mkdtemp(prefix="keras-lint-verify-")
        self.log_path = os.path.join(self.dir, "worker.log")
        env = dict(os.environ)
        env.update(
            TF_CPP_MIN_LOG_LEVEL="3",
            KERAS_BACKEND="tensorflow",
            KERAS_HOME=os.path.join(self.dir, ".keras"),
            TMPDIR=self.dir,
            CUDA_VISIBLE_DEVICES="",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONHASHSEED="0",
        )
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "keras_lint.verify.worker", json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=self.dir,
                env=env,
                start_new_session=True,
            )
        os.set_blocking(self.process.stdout.fileno(), False)
        self.started = time.monotonic()
        self.ready = False
        self.info: dict = {}
        self.buffer = b""
        self.job: Job | None = None
        self.job_started = 0.0
        self.deadline = 0.0

    def send(self, job: Job, timeout: float, grace: float) -> None:
        self.job = job
        self.job_started = time.monotonic()
        self.deadline = self.job_started + timeout + grace
        data = (json.dumps(job.message(timeout)) + "\n").encode("utf-8")
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def read_messages(self) -> tuple[list[dict], bool]:
        """The complete messages available, and whether the worker closed its output."""
        messages = []
        closed = False
        while True:
            try:
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if line.strip():
                try:
                    messages.append(json.loads(line))
                except ValueError:
                    continue
        return messages, closed

    def log_tail(self, lines: int = 6) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - 8192))
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if line.strip()]
        return "\n".join(kept[-lines:])

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._cleanup()

    def stop(self) -> None:
        """Ask the worker to finish (end of input), then make sure it is gone."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def _cleanup(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """Up to `jobs` workers, started on first use and reused until `close()`."""

    def __init__(self, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT, memory_mb: int | None = DEFAULT_MEMORY_MB):
        self.jobs = max(1, jobs or default_jobs())
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.kill_grace = KILL_GRACE
        self.versions: dict = {}
        self._workers: list[_Worker] = []
        self._closed = False
        self._start_failure: str | None = None
        atexit.register(self.close)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _config(self) -> dict:
        return {"memory_bytes": int(self.memory_mb) << 20 if self.memory_mb else 0}

    def _start(self) -> _Worker:
        worker = _Worker(self._config())
        self._workers.append(worker)
        return worker

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def run(self, jobs: list[Job], progress: Callable[[int, int], None] | None = None, timeout: float | None = None) -> dict[str, JobResult]:
        """Run every job (each within `timeout` seconds, default the pool's); a result for each,
        whatever happens to the workers."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        timeout = float(timeout or self.timeout)
        results: dict[str, JobResult] = {}
        pending = collections.deque(jobs)
        total = len(jobs)

        def finished() -> None:
            if progress is not None:
                progress(len(results), total)

        if self._start_failure is None:
            while len(self._workers) < min(self.jobs, total):
                self._start()
        failed_starts = 0
        while self._start_failure is None or any(w.ready for w in self._workers):
            for worker in list(self._workers):
                if worker.ready and worker.job is None and pending:
                    job = pending.popleft()
                    try:
                        worker.send(job, timeout, self.kill_grace)
                    except OSError:  # it died while idle: try the job elsewhere
                        pending.appendleft(job)
                        worker.job = None
                        self._lose(worker, None, results, "")
            busy = [w for w in self._workers if w.job is not None]
            starting = [w for w in self._workers if not w.ready]
            if not pending and not busy:
                break
            if pending and not self._workers:
                if failed_starts >= 3:
                    break
                self._start()
                continue
            now = time.monotonic()
            deadlines = [w.deadline for w in busy] + [w.started + START_TIMEOUT for w in starting]
            wait = min(1.0, max(0.0, min(deadlines) - now)) if deadlines else 1.0
            with selectors.DefaultSelector() as selector:
                for worker in self._workers:
                    selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
                events = selector.select(timeout=wait)
            for key, _ in events:
                worker = key.data
                messages, closed = worker.read_messages()
                for message in messages:
                    if "ready" in message:
                        if message.get("ready"):
                            worker.ready = True
                            worker.info = message
                            self.versions = {"tensorflow": message.get("tensorflow"), "keras": message.get("keras")}
                            failed_starts = 0
                        else:  # TensorFlow cannot be imported: starting again will not help
                            self._start_failure = f"a verification worker could not start: {message.get('error')}"
                    elif worker.job is not None and str(message.get("id")) == worker.job.id:
                        results[worker.job.id] = JobResult.from_message(message)
                        worker.job = None
                        finished()
                if closed:
                    if not worker.ready:
                        failed_starts += 1
                        if self._start_failure is None and failed_starts >= 3:
                            self._start_failure = f"a verification worker could not start: {self._death_reason(worker)}"
                    job = worker.job
                    self._lose(worker, job, results, self._death_reason(worker))
                    if job is not None:
                        finished()
                    if pending and self._start_failure is None:
                        self._start()
            now = time.monotonic()
            for worker in list(self._workers):
                if worker.job is not None and now > worker.deadline:
                    self._lose(
                        worker, worker.job, results,
                        f"the unit did not finish within {timeout:g} s and did not stop when asked; its worker was killed",
                        kind="Timeout",
                    )
                    finished()
                    if pending and self._start_failure is None:
                        self._start()
                elif not worker.ready and now > worker.started + START_TIMEOUT:
                    self._start_failure = f"a verification worker did not start within {START_TIMEOUT:g} s"
                    self._lose(worker, None, results, "")
        reason = self._start_failure or "no verification worker could run it"
        for job in jobs:
            if job.id not in results:
                results[job.id] = JobResult.worker_error(job.id, "WorkerStart", reason)
        return results

    def _lose(self, worker: _Worker, job: Job | None, results: dict, reason: str, kind: str = "WorkerCrashed") -> None:
        seconds = time.monotonic() - worker.job_started if job is not None else 0.0
        worker.kill()
        if worker in self._workers:
            self._workers.remove(worker)
        if job is not None:
            results[job.id] = JobResult.worker_error(job.id, kind, reason, seconds)

    def _death_reason(self, worker: _Worker) -> str:
        try:
            code = worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        tail = worker.log_tail()
        if code is not None and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        memory = any(word in tail for word in ("bad_alloc", "MemoryError", "Cannot allocate memory", "out of memory", "OOM"))
        reason = f"the worker process {how}"
        if memory:
            reason += f"; it ran out of memory (limit {self.memory_mb} MiB, raise it with --verify-memory)"
        elif tail:
            reason += f"; its last output: {tail.splitlines()[-1][:300]}"
        return reason

