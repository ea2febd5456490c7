"""Running `keras-lint` for the tests: in this process (fast) or as a real subprocess (when
standard input, exit codes of the console script or worker processes matter)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(args: list[str], cwd: str | None = None) -> Run:
    """`keras-lint ARGS` in this process, in `cwd`."""
    from keras_lint.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        os.chdir(previous)
    return Run(code, out.getvalue(), err.getvalue())


def run_process(args: list[str], cwd: str | None = None, stdin: bytes | None = None, module: str = "keras_lint") -> subprocess.CompletedProcess:
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=300)


def write(root, relative: str, text: str) -> str:
    path = os.path.join(str(root), relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path
