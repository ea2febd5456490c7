"""Write the table of the 149 Keras 2 backend functions (catalog §2.6) into
docs/migration-training.md, between the backend-table markers, from the data the rules use
(knowledge/keras3.json and knowledge/legacy_backend.toml). `--check` exits 1 when the
committed table differs (tests/test_backend_map.py runs it)."""

from __future__ import annotations

import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from keras_lint.knowledge import backend_map  # noqa: E402

DOC = os.path.join(ROOT, "docs", "migration-training.md")
START = "<!-- backend-table-start -->"
END = "<!-- backend-table-end -->"
_MODULES = {"ops": "keras.ops", "random": "keras.random", "config": "keras.config", "losses": "keras.losses", "activations": "keras.activations"}


def _replacement(info: backend_map.BackendFunction) -> str:
    if info.status == "native":
        return "still `keras.backend." + info.name + "`"
    if info.template:
        text = re.sub(r"\{(\w+)\}", lambda m: _MODULES.get(m.group(1), m.group(1)), info.template)
        return f"`{text}`"
    if info.targets:
        return " or ".join(f"`{target}`" for target in info.targets)
    return "—"


def _fix(info: backend_map.BackendFunction) -> str:
    if info.status == "native":
        return "—"
    words = [info.fix]
    if info.unsafe_if:
        words.append(f"unsafe with {', '.join(sorted(info.unsafe_if))}=")
    if info.int_args:
        words.append(f"unsafe unless {', '.join(sorted(info.int_args))} is an int")
    if info.subscript_safe:
        words.append("safe only when indexed, unsafe otherwise")
    return "; ".join(words)


def _rule(info: backend_map.BackendFunction) -> str:
    if info.status == "native":
        return "—"
    if info.status == "gone":
        return "KRS512"
    if info.name in backend_map.crossentropy_names():
        return "KRS510 (keywords), KRS511 (by position)"
    return "KRS510"


def table() -> str:
    rows = ["| `K.` function | Keras 3 | Rule | Fix | What differs / what to do |", "| --- | --- | --- | --- | --- |"]
    for name in sorted(backend_map.all_keras2_names()):
        info = backend_map.function(name)
        note = info.note.replace("|", "\\|")
        rows.append(f"| `{name}` | {_replacement(info).replace('|', chr(92) + '|')} | {_rule(info)} | {_fix(info)} | {note} |")
    return "\n".join(rows) + "\n"


def expected_document() -> str:
    with open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    if START not in text or END not in text:
        raise SystemExit(f"{DOC} lacks the backend-table markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    expected = expected_document()
    with open(DOC, encoding="utf-8") as handle:
        current = handle.read()
    if current == expected:
        return 0
    if args.check:
        print("docs/migration-training.md: the backend table is out of date (run python scripts/generate_backend_table.py)")
        return 1
    with open(DOC, "w", encoding="utf-8") as handle:
        handle.write(expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
