"""A verification worker: `python -m keras_lint.verify.worker CONFIG_JSON`.

Started by `keras_lint.verify.pool` in a temporary directory. It limits its own memory, imports
TensorFlow once, says it is ready, then runs one job per line of standard input and answers with
one JSON line per job on the original standard output. Everything the user's code prints goes
to /dev/null; TensorFlow's logging goes to the log file the pool gave as standard error.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def main(argv: list[str]) -> int:
    config = json.loads(argv[1]) if len(argv) > 1 else {}
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")

    def send(message: dict) -> None:
        protocol.write(json.dumps(message, default=str) + "\n")
        protocol.flush()

    memory = int(config.get("memory_bytes") or 0)
    limited = False
    try:
        if memory > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            limited = True
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):  # some systems (macOS) refuse RLIMIT_AS: run without it
        pass
    sys.dont_write_bytecode = True
    root = os.getcwd()
    # The user's code must not import the user's files: no working directory on the path.
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".", root)]
    try:
        import keras
        import tensorflow as tf  # imported once: every unit reuses it

        from keras_lint.verify.checks import Runner

        runner = Runner(root)
    except BaseException as exc:  # TensorFlow missing, or out of memory while importing it
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    send({"ready": True, "pid": os.getpid(), "tensorflow": tf.__version__, "keras": keras.__version__, "memory_limited": limited})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
        except ValueError:
            send({"id": None, "ok": False, "error": {"stage": "protocol", "type": "ValueError", "message": "bad job", "row": None}})
            continue
        send(runner.run(job))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
