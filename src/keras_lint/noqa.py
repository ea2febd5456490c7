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


# -- the comments themselves (unused-noqa reports, --add-noqa) -------------------------------------


@dataclass(frozen=True)
class CommentDirective:
    """A `# noqa` directive inside a real comment token (never one inside a string)."""

    directive: NoqaDirective
    comment_start: int  # offsets of the whole comment token
    comment_end: int
    codes_start: int  # offsets of the code list (codes_start == codes_end for a blanket noqa)
    codes_end: int


def comment_directives(noqa: NoqaIndex) -> list[CommentDirective]:
    """Every inline `# noqa` in a comment that is also the directive flake8 would use for its
    row. A `# noqa` that only appears inside a string literal is left out."""
    text = noqa.text
    if "noqa" not in text.lower():
        return []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    starts = [0]
    for line in noqa.lines:
        starts.append(starts[-1] + len(line))
    found = []
    for token in tokens:
        if token.type != tokenize.COMMENT or "noqa" not in token.string.lower():
            continue
        comment_start = starts[token.start[0] - 1] + token.start[1]
        comment_end = comment_start + len(token.string)
        directive = noqa.directive_for(token.start[0])
        if directive is None or not (comment_start <= directive.start < comment_end):
            continue  # an earlier `# noqa` (in a string) on the same joined line is the one flake8 reads
        match = NOQA_INLINE.match(text, directive.start, comment_end)
        if match is None:
            continue
        if match.group("codes") is None:
            codes_start = codes_end = match.end()
        else:
            codes_start = match.start("codes")
            codes_end = codes_start + len(match.group("codes").rstrip(", \t\f\v"))
        found.append(CommentDirective(directive, comment_start, comment_end, codes_start, codes_end))
    return found


def noqa_row(noqa: NoqaIndex, row: int) -> int:
    """The row where a `# noqa` for a finding reported at `row` goes: the last row of the token
    run flake8 joins with it (after the closing quotes of a multi-line string)."""
    mapping = noqa._line_mapping()
    entry = mapping.get(row)
    if entry is None:
        return row
    first = entry[0]
    last = row
    while last + 1 in mapping and mapping[last + 1][0] == first:
        last += 1
    return last


def add_noqa_edits(noqa: NoqaIndex, findings_by_row: dict[int, set[str]]) -> list[tuple[int, int, str]]:
    """The edits (start, end, text) that add `# noqa: CODES` for findings, grouped by the row
    they are reported on: on the last row of the row's token run (never inside a string), and
    extending an existing `# noqa: ...` there instead of adding a second one."""
    wanted: dict[int, set[str]] = {}
    for row, codes in findings_by_row.items():
        wanted.setdefault(noqa_row(noqa, row), set()).update(codes)
    directives = {cd.directive.row: cd for cd in comment_directives(noqa)}
    starts = [0]
    for line in noqa.lines:
        starts.append(starts[-1] + len(line))
    edits = []
    for row, codes in sorted(wanted.items()):
        if not 1 <= row <= len(noqa.lines):
            continue
        first_row = noqa._line_mapping().get(row, (row, ""))[0]
        existing = directives.get(first_row)
        if existing is not None:
            if existing.directive.codes is None:
                continue  # a blanket `# noqa` already silences everything
            missing = sorted(code for code in codes if not code.startswith(existing.directive.codes))
            if missing:
                edits.append((existing.codes_end, existing.codes_end, ", " + ", ".join(missing)))
            continue
        line = noqa.lines[row - 1]
        content = line.rstrip("\r\n")
        end = starts[row - 1] + len(content)
        # Keep the line's trailing whitespace out of the way: "code   " -> "code  # noqa: X".
        stripped = content.rstrip(" \t")
        insert_at = starts[row - 1] + len(stripped)
        separator = "  " if stripped else ""
        edits.append((insert_at, end, f"{separator}# noqa: {', '.join(sorted(codes))}"))
    return edits
