"""How fast is keras-lint, next to its peers, on the same files in the same run?

Corpora:
  keras-src   the installed `keras` package's own source (real, Keras-heavy code)
  generated   a few hundred generated files, most without Keras (a typical application repo)

Tools (each run as a user would run it, as a subprocess, best of --repeat runs):
  keras-lint check           our CLI
  flake8 --select KRS        our flake8 plugin (flake8 parses with ast first)
  flake8 --select F          flake8 with pyflakes only: the baseline every ratio is against
  libcst parse               bare `libcst.parse_module` of every file, nothing else
  ruff check --select F      ruff's pyflakes rules (Rust)
  fixit lint                 Fixit 2 with its default rules (LibCST-based, like us)

flake8 and keras-lint run with one job (`-j 1`) and with their default parallelism.
Usage: python scripts/benchmark.py [--corpus keras-src|generated|all] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

PYTHON = sys.executable
BIN = os.path.dirname(PYTHON)


def keras_source() -> str:
    import importlib.util

    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed: pip install tensorflow-cpu==2.21.*")
    return os.path.join(list(spec.submodule_search_locations)[0], "src")


PLAIN_TEMPLATE = '''"""Module {index}: plain application code, no Keras."""
import json
import os
from dataclasses import dataclass


@dataclass
class Record{index}:
    name: str
    value: int = 0

    def merge(self, other, mode="concat"):
        if mode == "concat":
            return Record{index}(self.name + other.name, self.value + other.value)
        return self


def load_{index}(path):
    with open(os.path.join(path, "data_{index}.json")) as handle:
        rows = json.load(handle)
    return [Record{index}(**row) for row in rows]


def summarise_{index}(records):
    total = 0
    for record in records:
        total += record.value * {index}
    return {{"count": len(records), "total": total}}
'''

KERAS_TEMPLATE = '''"""Module {index}: a Keras model definition."""
import numpy as np
from keras.models import Sequential, Model
from keras.layers import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D, concatenate
from keras.optimizers import Adam


def build_cnn_{index}(input_shape=(28, 28, 1), num_classes=10):
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation="relu", input_shape=input_shape))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(Flatten())
    model.add(Dropout(0.5))
    model.add(Dense(num_classes, activation="softmax"))
    model.compile(optimizer=Adam(learning_rate=1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def build_two_tower_{index}(size={size}):
    left = Input((size,))
    right = Input((size,))
    merged = concatenate([Dense(16)(left), Dense(16)(right)], axis=-1)
    output = Dense(1, activation="sigmoid")(merged)
    model = Model(inputs=[left, right], outputs=output)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_{index}(model, x, y):
    return model.fit(x, y, epochs=1, batch_size=32, verbose=0)
'''


def generated_corpus(directory: str, files: int = 400, keras_share: float = 0.2) -> str:
    rng = random.Random(1234)
    os.makedirs(directory, exist_ok=True)
    for index in range(files):
        template = KERAS_TEMPLATE if rng.random() < keras_share else PLAIN_TEMPLATE
        with open(os.path.join(directory, f"module_{index:04d}.py"), "w") as handle:
            handle.write(template.format(index=index, size=rng.randint(4, 64)))
    return directory


def python_files(root: str) -> list[str]:
    result = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        result.extend(os.path.join(folder, f) for f in files if f.endswith(".py"))
    return sorted(result)


LIBCST_PARSE = (
    "import sys, libcst\n"
    "for path in sys.argv[1:]:\n"
    "    with open(path, 'rb') as handle:\n"
    "        try:\n"
    "            libcst.parse_module(handle.read())\n"
    "        except Exception:\n"
    "            pass\n"
)


def tools(corpus: str, files: list[str]) -> dict[str, list[str]]:
    file_list = os.path.join(tempfile.mkdtemp(), "files.txt")
    with open(file_list, "w") as handle:
        handle.write("\n".join(files))
    keras_lint = os.path.join(BIN, "keras-lint")
    keras_lint_cmd = [keras_lint] if os.path.exists(keras_lint) else [PYTHON, "-m", "keras_lint"]
    commands = {
        "keras-lint check -j1": [*keras_lint_cmd, "check", "--exit-zero", "--no-cache", "--jobs", "1", corpus],
        "keras-lint check": [*keras_lint_cmd, "check", "--exit-zero", "--no-cache", corpus],
        "flake8 --select KRS -j1": [PYTHON, "-m", "flake8", "--select", "KRS", "-j", "1", "--exit-zero", corpus],
        "flake8 --select KRS": [PYTHON, "-m", "flake8", "--select", "KRS", "--exit-zero", corpus],
        "flake8 --select F -j1 (baseline)": [PYTHON, "-m", "flake8", "--select", "F", "-j", "1", "--exit-zero", corpus],
        "flake8 --select F": [PYTHON, "-m", "flake8", "--select", "F", "--exit-zero", corpus],
        "libcst parse only": [PYTHON, "-c", LIBCST_PARSE, *files],
    }
    ruff = shutil.which("ruff") or os.path.join(BIN, "ruff")
    if os.path.exists(ruff):
        commands["ruff check --select F"] = [ruff, "check", "--select", "F", "--no-cache", "--exit-zero", "-q", corpus]
    fixit = shutil.which("fixit") or os.path.join(BIN, "fixit")
    if os.path.exists(fixit):
        commands["fixit lint"] = [fixit, "lint", corpus]
    return commands


def time_command(command: list[str], repeat: int) -> float | None:
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            message = result.stderr.decode(errors="replace").strip().splitlines()
            print(f"    ! {' '.join(command[:4])}... exited {result.returncode}: {message[-1] if message else ''}")
            return None
        best = elapsed if best is None else min(best, elapsed)
    return best


def benchmark(name: str, corpus: str, repeat: int) -> None:
    files = python_files(corpus)
    keras_files = sum(1 for f in files if b"keras" in open(f, "rb").read())
    lines = sum(open(f, "rb").read().count(b"\n") for f in files)
    print(f"\n== {name}: {len(files)} files ({keras_files} mention keras), {lines} lines, {corpus}")
    results: dict[str, float | None] = {}
    for label, command in tools(corpus, files).items():
        results[label] = time_command(command, repeat)
    baseline = results.get("flake8 --select F -j1 (baseline)")
    print(f"{'tool':<34} {'seconds':>9} {'vs flake8 -j1 (pyflakes)':>26}")
    for label, seconds in results.items():
        if seconds is None:
            print(f"{label:<34} {'failed':>9}")
            continue
        ratio = f"{seconds / baseline:.2f}x" if baseline else "-"
        print(f"{label:<34} {seconds:>9.2f} {ratio:>26}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=("keras-src", "generated", "all"), default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=400, help="size of the generated corpus")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.corpus in ("keras-src", "all"):
        benchmark("keras-src", keras_source(), args.repeat)
    if args.corpus in ("generated", "all"):
        with tempfile.TemporaryDirectory() as directory:
            benchmark("generated", generated_corpus(os.path.join(directory, "repo"), args.files), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
