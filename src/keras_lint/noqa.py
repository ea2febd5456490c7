"""`# noqa` with flake8's exact semantics, for the front ends that are not flake8.

flake8 (7.x, `processor.py` and `violation.py`) searches the *physical line of the reported row*
for `# noqa(:CODES)?`, case-insensitively; codes match by prefix. Lines that belong to one
token run (a triple-quoted string, a backslash continuation) are searched as one joined line.
We reproduce that so the same comment silences the same finding in the CLI, in flake8 and in
the language server.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

# Verbatim from flake8/defaults.py.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
# Our file-level form; flake8's `# flake8: noqa` is honoured too (without codes, as flake8 does).
NOQA_FILE = re.compile(r"^\s*#\s*keras-lint\s*:\s*noqa(?::\s*(?P<codes>[A-Z0-9,\s]+?))?\s*$", re.IGNORECASE | re.MULTILINE)
FLAKE8_NOQA_FILE = re.compile(r"^\s*# flake8[:=]\s*noqa\s*$", re.IGNORECASE | re.MULTILINE)
_CODE_SPLIT = re.compile(r"[,\s]+")
# Physical lines as LineIndex counts them (str.splitlines would also split on \f, \x1c, ...).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class NoqaDirective:
    row: int  # the row the comment sits on (the first row of a joined range)
    codes: tuple[str, ...] | None  # None: a blanket `# noqa`
    start: int  # offsets of the directive text in the source
    end: int


def parse_codes(codes: str | None) -> tuple[str, ...] | None:
    if codes is None:
        return None
    # Case-sensitive after the match, as in flake8: `# noqa: krs101` silences nothing.
    return tuple(code for code in _CODE_SPLIT.split(codes.strip()) if code)


class NoqaIndex:
    def __init__(self, text: str):
        self.text = text
        self.lines = _LINES.findall(text)
        self._mapping: dict[int, tuple[int, str]] | None = None
        self.file_codes = self._file_level(text)

    @staticmethod
    def _file_level(text: str) -> tuple[str, ...] | None | bool:
        """False: no file-level directive; None: every code; else the codes."""
        if "noqa" not in text.lower():
            return False
        match = NOQA_FILE.search(text)
        if match:
            return parse_codes(match.group("codes"))
        if FLAKE8_NOQA_FILE.search(text):
            return None
        return False

    def _line_mapping(self) -> dict[int, tuple[int, str]]:
        """row -> (first row of its token run, the joined text of the run)."""
        if self._mapping is not None:
            return self._mapping
        mapping: dict[int, tuple[int, str]] = {}
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            tokens = []
        if not tokens:
            mapping = {row: (row, line) for row, line in enumerate(self.lines, start=1)}
        else:
            min_row, max_row = len(self.lines) + 2, -1
            for token in tokens:
                if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                    continue
                min_row = min(min_row, token.start[0])
                max_row = max(max_row, token.end[0])
                if token.type in (tokenize.NL, tokenize.NEWLINE):
                    joined = "".join(self.lines[min_row - 1 : max_row])
                    for row in range(min_row, max_row + 1):
                        mapping[row] = (min_row, joined)
                    min_row, max_row = len(self.lines) + 2, -1
        self._mapping = mapping
        return mapping

    def directive_for(self, row: int) -> NoqaDirective | None:
        entry = self._line_mapping().get(row)
        if entry is None:
            if 1 <= row <= len(self.lines):
                entry = (row, self.lines[row - 1])
            else:
                return None
        first_row, line = entry
        if "noqa" not in line.lower():
            return None
        match = NOQA_INLINE.search(line)
        if match is None:
            return None
        line_offset = sum(len(line) for line in self.lines[: first_row - 1])
        return NoqaDirective(first_row, parse_codes(match.group("codes")), line_offset + match.start(), line_offset + match.end())

    def suppresses(self, code: str, row: int) -> NoqaDirective | bool:
        """The directive that silences `code` reported at `row` (True for file level), or False."""
        if self.file_codes is not False and (self.file_codes is None or code.startswith(tuple(self.file_codes))):
            return True
        directive = self.directive_for(row)
        if directive is None:
            return False
        if directive.codes is None or code in directive.codes or code.startswith(directive.codes):
            return directive
        return False
