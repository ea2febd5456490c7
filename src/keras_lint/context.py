"""What a rule sees of one file: the tree, the resolved names, the constants, and helpers to
describe edits precisely."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from keras_lint.diagnostics import Edit
from keras_lint.semantic.constants import Constant, ConstantEvaluator
from keras_lint.semantic.model import Scope, SemanticModel, dotted_name
from keras_lint.semantic.names import KerasName, keras_name
from keras_lint.settings import Settings
from keras_lint.source import LineIndex, newline_of
from keras_lint.spans import SpanIndex


@dataclass(eq=False)
class Call:
    """A call with its resolved callee and its arguments sorted out."""

    node: cst.Call
    scope: Scope
    name: KerasName | None  # the Keras object called, if the callee is one

    @functools.cached_property
    def positional(self) -> list[cst.Arg]:
        result = []
        for arg in self.node.args:
            if arg.keyword is not None or arg.star:
                break
            result.append(arg)
        return result

    @functools.cached_property
    def keywords(self) -> dict[str, cst.Arg]:
        return {arg.keyword.value: arg for arg in self.node.args if arg.keyword is not None}

    @property
    def has_star_args(self) -> bool:
        return any(arg.star for arg in self.node.args)

    def keyword(self, name: str) -> cst.Arg | None:
        return self.keywords.get(name)

    def positional_arg(self, index: int) -> cst.Arg | None:
        positional = self.positional
        return positional[index] if index < len(positional) else None

    def argument(self, name: str, position: int | None = None) -> cst.Arg | None:
        """The argument passed for a parameter, by keyword or by position."""
        arg = self.keywords.get(name)
        if arg is None and position is not None:
            arg = self.positional_arg(position)
        return arg


class Context:
    def __init__(self, text: str, filename: str, module: cst.Module, semantic: SemanticModel, settings: Settings):
        self.text = text
        self.filename = filename
        self.module = module
        self.semantic = semantic
        self.settings = settings
        self.constants = ConstantEvaluator(semantic)
        self.spans = SpanIndex(module)
        self._lines: LineIndex | None = None
        self._memo: dict = {}
        # The codes of the rules that run on this file (set by the engine; None: unknown).
        # Rules whose fixes depend on each other (one removes an import the others stop
        # using) need to know which of them will run.
        self.active_codes: frozenset[str] | None = None

    def memo(self, key, factory):
        """Compute something once per file and share it between rules."""
        if key not in self._memo:
            self._memo[key] = factory(self)
        return self._memo[key]

    # -- positions and text -----------------------------------------------------------------

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.spans.span(node)

    def source_of(self, node: cst.CSTNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def outer_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The span of an expression including its own parentheses: `(12)`, not `12`."""
        start, end = self.span(node)
        lpar = getattr(node, "lpar", None)
        rpar = getattr(node, "rpar", None)
        if lpar:
            start = self.span(lpar[0])[0]
        if rpar:
            end = self.span(rpar[-1])[1]
        return start, end

    def outer_source(self, node: cst.CSTNode) -> str:
        start, end = self.outer_span(node)
        return self.text[start:end]

    def shown(self, node: cst.CSTNode, limit: int = 60) -> str:
        """The node's source on one line, shortened to `limit` characters, for a message."""
        text = " ".join(self.source_of(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def quote(self) -> str:
        """The quote character the file uses most, for strings a fix writes."""
        return "'" if self.text.count("'") > self.text.count('"') else '"'

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    @property
    def newline(self) -> str:
        return newline_of(self.text)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- names ------------------------------------------------------------------------------------

    def keras_name(self, expr: cst.BaseExpression, scope: Scope) -> KerasName | None:
        return keras_name(self.semantic.qualified_name(expr, scope))

    def qualified_name(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        return self.semantic.qualified_name(expr, scope)

    def name_refers_to(self, name: str, scope: Scope, path: str) -> bool | None:
        """Whether the bare name `name`, read in `scope`, means the Keras object `path`:
        True if it does, False if it means something else (a user's own name, another
        import), None if it is not bound at all (so an import of it would be free)."""
        bindings = self.semantic.lookup(name, scope)
        star = self.semantic.star_import_path(name) if bindings is None else None
        if bindings is None and star is None:
            return None
        qualified = star if bindings is None else self.semantic.qualified_name(cst.Name(name), scope)
        resolved = keras_name(qualified)
        return bool(resolved is not None and resolved.is_(path))

    @functools.cached_property
    def calls(self) -> list[Call]:
        return [Call(site.node, site.scope, self.keras_name(site.node.func, site.scope)) for site in self.semantic.calls]

    @functools.cached_property
    def keras_calls(self) -> list[Call]:
        return [call for call in self.calls if call.name is not None]

    def calls_to(self, *paths: str) -> Iterator[Call]:
        for call in self.keras_calls:
            if call.name.is_(*paths):
                yield call

    def method_calls(self, *attributes: str) -> Iterator[Call]:
        """Calls of the form `<expr>.<attribute>(...)` whose callee is not itself a resolved
        Keras name (`model.compile(...)`)."""
        for call in self.calls:
            func = call.node.func
            if isinstance(func, cst.Attribute) and func.attr.value in attributes and call.name is None:
                yield call

    @functools.cached_property
    def imports_keras(self) -> bool:
        """Whether any import in the file can bring in Keras (tensorflow counts: tf.keras)."""
        for node, _scope in self.semantic.imports:
            if isinstance(node, cst.Import):
                modules = [dotted_name(alias.name) for alias in node.names]
            elif node.module is not None and not node.relative:
                modules = [dotted_name(node.module)]
            else:
                continue
            if any(module and _may_bring_keras(module) for module in modules):
                return True
        return False

    # -- constants --------------------------------------------------------------------------------

    def constant(self, expr: cst.BaseExpression, scope: Scope) -> Constant | None:
        return self.constants.evaluate(expr, scope)

    # -- edits ------------------------------------------------------------------------------------

    def replace(self, node: cst.CSTNode, content: str) -> Edit:
        start, end = self.span(node)
        return Edit(start, end, content)

    def insert_before(self, node: cst.CSTNode, content: str) -> Edit:
        start, _ = self.span(node)
        return Edit(start, start, content)

    def insert_after(self, node: cst.CSTNode, content: str) -> Edit:
        _, end = self.span(node)
        return Edit(end, end, content)

    def remove_argument(self, call: cst.Call, arg: cst.Arg) -> Edit:
        """Delete one argument and the separator that goes with it, leaving the others and
        their comments as they were."""
        args = list(call.args)
        index = next(i for i, a in enumerate(args) if a is arg)
        start, end = self.span(arg)
        if index + 1 < len(args):
            # Remove up to the next argument: "a, b" -> "b".
            end = self.span(args[index + 1])[0]
        elif index > 0:
            # Last of several: remove from the end of the previous argument: "a, b" -> "a".
            start = self.span(args[index - 1])[1]
            end = self._end_of_trailing_comma(end)
        else:
            end = self._end_of_trailing_comma(end)
        return Edit(start, end, "")

    def _end_of_trailing_comma(self, end: int) -> int:
        cursor = end
        while cursor < len(self.text) and self.text[cursor] in " \t":
            cursor += 1
        if cursor < len(self.text) and self.text[cursor] == ",":
            return cursor + 1
        return end


def _may_bring_keras(module: str) -> bool:
    return keras_name(module) is not None or module == "tensorflow" or module.startswith("tensorflow.")
