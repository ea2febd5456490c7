"""Regenerate the expected outputs of the seed fixtures (fixtures/seed/expected/): the findings
of `keras-lint check` and the text after `keras-lint fix`. Review the diff before committing:
these files are the reviewed truth the tests compare against."""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from keras_lint.engine import lint_text  # noqa: E402
from keras_lint.fixer import fix_text  # noqa: E402
from keras_lint.reporting import concise_line  # noqa: E402
from keras_lint.settings import Settings  # noqa: E402

SEED = os.path.join(ROOT, "fixtures", "seed")
EXPECTED = os.path.join(SEED, "expected")


def expected_outputs() -> dict[str, str]:
    outputs: dict[str, str] = {}
    for name in sorted(os.listdir(SEED)):
        if not name.endswith(".py"):
            continue
        text = open(os.path.join(SEED, name), encoding="utf-8").read()
        filename = f"fixtures/seed/{name}"
        findings = lint_text(text, filename, Settings()).findings
        outputs[name.replace(".py", ".findings.txt")] = "".join(concise_line(f) + "\n" for f in findings)
        outcome = fix_text(text, filename, Settings())
        outputs[name.replace(".py", ".fixed.py.txt")] = outcome.text
    return outputs


def main() -> int:
    os.makedirs(EXPECTED, exist_ok=True)
    for name, content in expected_outputs().items():
        with open(os.path.join(EXPECTED, name), "w", encoding="utf-8") as handle:
            handle.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
