"""How fast `keras-lint verify` is on the fixtures: units verified per second.

    python scripts/benchmark_verify.py [--jobs N] [--timeout S] [--all-units] [PATH ...]

By default it verifies the fixes keras-lint would apply to fixtures/seed and fixtures/migration
(without writing anything) and reports, per file, the units and builds, then the totals: wall
time (worker start-up included, and separately without it), units per second and builds per
second. `--all-units` also builds every unit of those files once, fixes or not, to measure the
raw throughput of the workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from keras_lint.files import iter_python_files  # noqa: E402
from keras_lint.settings import Settings  # noqa: E402
from keras_lint.verify import STATUSES  # noqa: E402
from keras_lint.verify.pool import Job, WorkerPool, default_jobs  # noqa: E402
from keras_lint.verify.session import SourceFile, Verifier  # noqa: E402
from keras_lint.verify.slicing import SliceError, UnitFinder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[os.path.join(ROOT, "fixtures", "seed"), os.path.join(ROOT, "fixtures", "migration")])
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--timeout", type=float, default=300.0, help="per-unit time limit (default 300: the fixtures include a 256x256 U-Net)")
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--all-units", action="store_true", help="also build every unit once, fixes or not")
    args = parser.parse_args()

    files = [path for path in iter_python_files(args.paths) if os.sep + "keras3" + os.sep not in path]
    sources = [SourceFile(os.path.relpath(path, ROOT), open(path, encoding="utf-8").read()) for path in files]
    with WorkerPool(jobs=args.jobs, timeout=args.timeout) as pool:
        started = time.monotonic()
        pool.run([Job("warm-up", "import keras\n", "<warm-up>", None, ("keras",))])  # start the workers
        ready = time.monotonic()
        verifier = Verifier(Settings(), pool, unsafe=args.unsafe_fixes, timeout=args.timeout)
        reports = verifier.verify(sources)
        done = time.monotonic()
        versions = pool.versions
        print(f"keras-lint verify on {len(sources)} fixture files, TensorFlow {versions.get('tensorflow')} "
              f"(Keras {versions.get('keras')}), {args.jobs} worker{'s' if args.jobs != 1 else ''}, {os.cpu_count()} CPUs")
        print()
        print(f"{'file':<46} {'units':>5} {'fixes':>5}  {'verified':>8} {'refuted':>7} {'unverif.':>8}")
        totals = dict.fromkeys(STATUSES, 0)
        units = 0
        for report in reports:
            counts = report.counts()
            for status, count in counts.items():
                totals[status] += count
            units += len(report.units)
            fixes = len(report.applied) + len(report.left_out)
            if fixes:
                print(f"{report.filename:<46} {len(report.units):>5} {fixes:>5}  {counts['verified']:>8} {counts['refuted']:>7} {counts['unverifiable']:>8}")
        seconds = done - ready
        print()
        print(f"fixes: {sum(totals.values())} ({totals['verified']} verified, {totals['refuted']} refuted, {totals['unverifiable']} unverifiable)")
        print(f"units: {units}, builds: {verifier.builds}")
        print(f"worker start-up: {ready - started:.1f} s; verification: {seconds:.1f} s")
        if seconds > 0:
            print(f"units verified per second: {units / seconds:.2f} ({verifier.builds / seconds:.2f} builds per second)")
        if args.all_units:
            jobs = []
            for source in sources:
                try:
                    finder = UnitFinder(source.text)
                except SliceError:
                    continue
                for unit in finder.all_units():
                    if unit.problem is None:
                        jobs.append(Job(f"{source.filename}:{unit.name}", unit.program, f"<bench {source.filename}>", unit.call, unit.results))
            started = time.monotonic()
            results = pool.run(jobs, timeout=args.timeout)
            seconds = time.monotonic() - started
            built = sum(1 for r in results.values() if r.ok)
            print()
            print(f"every unit once: {len(jobs)} units ({built} build and pass every check as they are) in {seconds:.1f} s: "
                  f"{len(jobs) / seconds:.2f} units per second")
            slowest = sorted(results.values(), key=lambda r: -r.seconds)[:3]
            print("slowest: " + ", ".join(f"{r.id} {r.seconds:.1f} s" for r in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
