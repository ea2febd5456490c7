"""What a rule produces: findings, fixes and the text edits that make them up.

Edits are expressed as character offsets into the decoded source text, so that every
front end (CLI, JSON, flake8, language server) derives its own coordinates from one truth.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Applicability(enum.Enum):
    """How confident a fix is. Mirrors ruff's three levels."""

    SAFE = "safe"  # applied by `keras-lint fix`
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes: may change behaviour or intent
    DISPLAY_ONLY = "display-only"  # shown, never applied

    @property
    def rank(self) -> int:
        return {"safe": 0, "unsafe": 1, "display-only": 2}[self.value]

    def at_most(self, other: Applicability) -> Applicability:
        """The weaker (less safe) of two applicabilities."""
        return self if self.rank >= other.rank else other


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] with `content` (start == end inserts)."""

    start: int
    end: int
    content: str

    def overlaps(self, other: Edit) -> bool:
        # Touching insertions conflict too: two fixes inserting at one point could duplicate text.
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    def overlaps(self, other: Fix) -> bool:
        return any(a.overlaps(b) for a in self.edits for b in other.edits)


@dataclass
class Finding:
    code: str
    message: str
    start: int  # offset of the reported node's first character
    end: int
    fix: Fix | None = None
    # Filled in by the engine from `start`/`end`.
    row: int = 0
    column: int = 0  # 1-based, in code points
    end_row: int = 0
    end_column: int = 0
    filename: str = ""
    # Free-form facts a front end may show (e.g. the verification status of the fix).
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        return (self.filename, self.row, self.column, self.code)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits to `text`."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.content)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)
