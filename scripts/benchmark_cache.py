"""How much the result cache saves: `keras-lint check` twice on a generated repository.

    python scripts/benchmark_cache.py [--files 2000] [--jobs N] [--keep DIR]

The repository is made of the project's own fixtures (tutorial-era Keras programs, the migration
fixtures and their Keras 3 versions), each copy made unique by a header line, plus one file in
five without Keras at all (as in a real project). The first run lints every file (in parallel)
and fills `.keras_lint_cache/`; the second finds every file in the cache. Both runs are whole
`keras-lint check` processes, start-up included; the script prints both times and their ratio,
and fails if the two runs do not report the same findings.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PLAIN_MODULE = '''"""Helpers without Keras: the pre-filter skips files like this one."""

import json
import os


def load_config(path):
    with open(path) as handle:
        return json.load(handle)


def output_dir(base, run):
    return os.path.join(base, f"run-{{run:04d}}")
'''


def templates() -> list[str]:
    paths = sorted(glob.glob(os.path.join(ROOT, "fixtures", "**", "*.py"), recursive=True))
    if not paths:
        raise SystemExit("no fixtures found under fixtures/")
    result = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            result.append(handle.read())
    return result


def generate_repository(root: str, count: int) -> int:
    """Write `count` Python files under `root` (100 per package); returns how many mention Keras."""
    sources = templates()
    with_keras = 0
    for index in range(count):
        package = os.path.join(root, f"package_{index // 100:03d}")
        os.makedirs(package, exist_ok=True)
        if index % 5 == 4:
            text = PLAIN_MODULE
        else:
            text = sources[index % len(sources)]
            with_keras += 1
        with open(os.path.join(package, f"module_{index:05d}.py"), "w", encoding="utf-8") as handle:
            handle.write(f"# generated module {index}\n{text}")
    return with_keras


def run_check(root: str, jobs: int | None) -> tuple[float, str]:
    command = [sys.executable, "-m", "keras_lint", "check", root, "--exit-zero"]
    if jobs:
        command += ["--jobs", str(jobs)]
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, cwd=root, env=environment)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"keras-lint check failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed, completed.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=None, help="passed to keras-lint (default: one per CPU)")
    parser.add_argument("--keep", help="generate the repository here and keep it")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="keras-lint-bench-")
    try:
        with_keras = generate_repository(root, args.files)
        print(f"{args.files} files ({with_keras} with Keras) in {root}")
        first, first_output = run_check(root, args.jobs)
        second, second_output = run_check(root, args.jobs)
        if first_output != second_output:
            print("the cached run reported different findings:", file=sys.stderr)
            return 1
        print(first_output.strip().splitlines()[-1])
        print(f"first run (cold cache): {first:.2f} s")
        print(f"second run (cached):    {second:.2f} s")
        print(f"ratio: {first / second:.1f}x")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
