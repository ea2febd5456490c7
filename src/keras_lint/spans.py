"""Where a node is in the source text, as character offsets.

LibCST's PositionProvider gives the same answer but costs about four times more on this
codebase's benchmark (it builds line/column objects for every node). We regenerate the code
once with a codegen state that only counts characters, and only when a file has something to
report.
"""

from __future__ import annotations

from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState


class _OffsetCodegenState(CodegenState):
    def __init__(self, module: cst.Module):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}
        self.stack: list[int] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)
        self.tokens.extend(self.indent_tokens)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        # A syntactic position recorded inside the node's codegen wins (as in PositionProvider).
        if node not in self.spans:
            self.spans[node] = (start, self.offset)

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        start = self.offset
        try:
            yield
        finally:
            end = self.offset
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


class SpanIndex:
    """Offsets of every node of a module, computed on first use."""

    def __init__(self, module: cst.Module):
        self.module = module
        self._spans: dict[cst.CSTNode, tuple[int, int]] | None = None

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        if self._spans is None:
            state = _OffsetCodegenState(self.module)
            self.module._codegen(state)
            self._spans = state.spans
        return self._spans[node]
