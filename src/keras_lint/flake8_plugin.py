"""The flake8 plugin (code prefix KRS).

flake8 imports this module at start-up for every run, so it imports nothing heavy: LibCST and
the rules are imported on the first file that mentions Keras. It analyses the `lines` flake8
hands it and never re-reads `filename`, so it works on unsaved editor buffers passed on stdin
(`flake8 --stdin-display-name model.py -`). It never raises: flake8 drops every result of a run
when a plugin raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from keras_lint import __version__

# The engine reports files it cannot parse as KRS001/KRS002; under flake8, E999 says it already.
_NOT_UNDER_FLAKE8 = ("KRS001", "KRS002")


class KerasLintPlugin:
    name = "keras-lint"
    version = __version__

    def __init__(self, tree: Any, lines: list[str], filename: str = "stdin") -> None:
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        if "keras" not in text:
            return
        try:
            findings = _lint(text, self.filename)
        except Exception:
            return
        for finding in findings:
            if finding.code in _NOT_UNDER_FLAKE8:
                continue
            yield finding.row, finding.column - 1, f"{finding.code} {finding.message}", type(self)


def _lint(text: str, filename: str) -> list:
    from keras_lint.engine import lint_text
    from keras_lint.settings import Settings

    # flake8 applies `# noqa` itself, and its own select/ignore on top of ours.
    result = lint_text(text, filename, Settings(), respect_noqa=False, report_parse_errors=False, python_checked=True)
    return result.findings
