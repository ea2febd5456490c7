"""One walk over a LibCST module that records what every later question needs.

The walk builds Python's scopes (module, class, function, lambda, comprehension) with the
bindings each name has in them, every call with the scope it sits in, and every name that is
read. From that, `SemanticModel.qualified_name` answers "which imported object does this
expression refer to?" the way Python would, so that a user's own `merge` or a parameter called
`Dense` is never mistaken for Keras.

We do not use LibCST's QualifiedNameProvider: on this codebase's benchmark it costs several
times the parse, it does not follow `L = keras.layers`, and it cannot see through
`from keras.layers import *`.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import libcst as cst


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class BindingKind(enum.Enum):
    IMPORT = "import"  # import x / from m import x: `path` says what it refers to
    ASSIGN = "assign"  # name = value (a single plain target): `value` is the expression
    PARAM = "param"  # a function parameter: `value` is its default, if any
    FUNCTION = "function"
    CLASS = "class"
    OTHER = "other"  # loop targets, `with ... as`, augmented assignment, unpacking, del, ...


@dataclass(eq=False)
class Binding:
    name: str
    kind: BindingKind
    scope: Scope
    node: cst.CSTNode  # the statement or parameter that binds the name
    path: str | None = None  # IMPORT: the dotted path the name stands for
    value: cst.BaseExpression | None = None  # ASSIGN: the value; PARAM: the default


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: cst.CSTNode
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    # (module path, index of the statement) for each `from m import *`, in source order.
    star_imports: list[str] = field(default_factory=list)
    # Names whose object is visibly mutated (x.append(...), x[0] = ...): their literal value
    # cannot be trusted.
    mutated_names: set[str] = field(default_factory=set)

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(eq=False)
class CallSite:
    node: cst.Call
    scope: Scope


@dataclass(eq=False)
class FunctionInfo:
    node: cst.FunctionDef
    scope: Scope  # the scope the function is defined in
    body_scope: Scope
    returns: list[cst.Return] = field(default_factory=list)


# Fields that only hold whitespace, punctuation or tokens: skipping them makes the walk several
# times faster than LibCST's visitor, which visits every whitespace node.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "lbrace", "rbrace", "lbracket", "rbracket", "comma", "colon",
        "semicolon", "dot", "equal", "first_colon", "second_colon", "leading_lines",
        "lines_after_decorators", "header", "footer", "newline", "trailing_whitespace",
        "leading_whitespace", "empty_lines", "indent", "operator", "asynchronous",
        "posonly_ind", "trailing_comma", "separator", "whitespace", "last_line",
        "first_line", "comment", "default_indent", "default_newline", "encoding",
        "conversion", "star", "relative",
    }
)
_CHILD_FIELDS_CACHE: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS_CACHE.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _CHILD_FIELDS_CACHE[node_type] = names
    return names


def iter_children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The syntactic children of a node (no whitespace or punctuation nodes)."""
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


_MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
     "setdefault", "popitem", "add", "discard"}
)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


class SemanticModel:
    """Scopes, bindings, calls and name reads of one module."""

    def __init__(self, module: cst.Module, star_exports: Callable[[str], frozenset[str] | None]):
        self.module = module
        self._star_exports = star_exports
        self.module_scope = Scope(ScopeKind.MODULE, module, None)
        self.calls: list[CallSite] = []
        self.functions: list[FunctionInfo] = []
        self.function_of: dict[cst.FunctionDef, FunctionInfo] = {}
        self.scope_of_node: dict[cst.CSTNode, Scope] = {module: self.module_scope}
        self.name_reads: dict[str, list[tuple[cst.Name, Scope]]] = {}
        self.imports: list[tuple[cst.Import | cst.ImportFrom, Scope]] = []
        # `with pytest.raises(...)` / `with self.assertRaises(...)` blocks: code in them is
        # meant to fail, so findings there are not reported.
        self.expected_to_raise: list[cst.With] = []
        self._qualified_cache: dict[tuple[int, int], str | None] = {}
        _Walker(self).walk_module(module)

    # -- name resolution -------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> list[Binding] | None:
        """The bindings `name` can have when read in `scope`, following Python's rules
        (class bodies are not visible from nested functions; `global` jumps to the module)."""
        current: Scope | None = scope
        origin = scope
        while current is not None:
            if current.kind is ScopeKind.CLASS and current is not origin:
                current = current.parent
                continue
            if name in current.global_names:
                current = current.module
                return current.bindings.get(name)
            if name in current.bindings and not (current is origin and name in current.nonlocal_names):
                return current.bindings[name]
            current = current.parent
        return None

    def star_import_path(self, name: str) -> str | None:
        """The `module.name` a name comes from through `from module import *`, if the name is
        not bound otherwise. A later star import from an unknown module could shadow it, so
        then we do not know."""
        module_scope = self.module_scope
        for module_path in reversed(module_scope.star_imports):
            exports = self._star_exports(module_path)
            if exports is None:
                return None  # an unknown module's `*` may define anything
            if name in exports:
                return f"{module_path}.{name}"
        return None

    def binding_path(self, binding: Binding, _depth: int = 0) -> str | None:
        if binding.kind is BindingKind.IMPORT:
            return binding.path
        if (
            binding.kind is BindingKind.ASSIGN
            and binding.value is not None
            and _depth < 8
            and isinstance(binding.value, (cst.Name, cst.Attribute))
            and len(binding.scope.bindings.get(binding.name, ())) == 1
        ):
            # `L = keras.layers`: an alias bound once is as good as an import.
            return self._qualified(binding.value, binding.scope, _depth + 1)
        return None

    def qualified_name(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """The dotted path of the imported object `expr` refers to (`tensorflow.keras.layers.Dense`
        for `tf.keras.layers.Dense` after `import tensorflow as tf`), or None when it is not
        provably an imported object."""
        return self._qualified(expr, scope, 0)

    def _qualified(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> str | None:
        if isinstance(expr, cst.Attribute):
            base = self._qualified(expr.value, scope, depth)
            return f"{base}.{expr.attr.value}" if base is not None else None
        if not isinstance(expr, cst.Name):
            return None
        key = (id(expr), id(scope))
        if key in self._qualified_cache:
            return self._qualified_cache[key]
        self._qualified_cache[key] = None  # cycle guard: `a = b; b = a`
        bindings = self.lookup(expr.value, scope)
        if bindings is None:
            result = self.star_import_path(expr.value)
        else:
            paths = {self.binding_path(b, depth) for b in bindings}
            result = paths.pop() if len(paths) == 1 else self._same_object(paths)
        self._qualified_cache[key] = result
        return result

    @staticmethod
    def _same_object(paths: set[str | None]) -> str | None:
        """try/except import fallbacks bind one name twice (`tensorflow.keras` and `keras`);
        they are the same object when both spell the same Keras name."""
        if None in paths:
            return None
        from keras_lint.semantic.names import keras_name

        canonical = {getattr(keras_name(p), "path", None) for p in paths}
        if len(canonical) == 1 and None not in canonical:
            return sorted(paths, key=lambda p: (not p.startswith("keras"), p))[0]
        return None

    # -- reads ---------------------------------------------------------------------------------

    def reads_of(self, binding: Binding) -> list[cst.Name]:
        """The name reads that resolve to `binding`'s name in `binding`'s scope."""
        result = []
        for node, scope in self.name_reads.get(binding.name, ()):
            bindings = self.lookup(binding.name, scope)
            if bindings is not None and binding in bindings:
                result.append(node)
        return result

    def is_read(self, name: str, scope: Scope, *, excluding: frozenset[int] = frozenset()) -> bool:
        """Whether a name bound in `scope` is read anywhere (ignoring reads whose node id is in
        `excluding`)."""
        target = scope.bindings.get(name)
        if not target:
            return False
        for node, read_scope in self.name_reads.get(name, ()):
            if id(node) in excluding:
                continue
            if self.lookup(name, read_scope) is target:
                return True
        return False


class _Walker:
    """Fills a SemanticModel. Iterative where it matters, recursive per scope."""

    def __init__(self, model: SemanticModel):
        self.model = model

    def walk_module(self, module: cst.Module) -> None:
        self.walk_all(module.body, self.model.module_scope)

    def walk_all(self, nodes, scope: Scope) -> None:
        for node in nodes:
            self.walk(node, scope)

    def walk(self, node: cst.CSTNode, scope: Scope) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, scope)
            return
        for child in iter_children(node):
            self.walk(child, scope)

    # -- bindings ------------------------------------------------------------------------------

    def bind_target(self, target: cst.BaseExpression, scope: Scope, kind: BindingKind,
                    statement: cst.CSTNode, value: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            self._bind_name(target.value, scope, kind, statement, value=value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, scope, BindingKind.OTHER, statement)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, scope, BindingKind.OTHER, statement)
        else:
            # obj.attr = ... / obj[i] = ...: reads of obj, and a visible mutation of it.
            base = target
            while isinstance(base, (cst.Attribute, cst.Subscript)):
                base = base.value
            if isinstance(base, cst.Name) and isinstance(target, cst.Subscript):
                self._mark_mutated(base.value, scope)
            self.walk(target, scope)

    def _bind_name(self, name: str, scope: Scope, kind: BindingKind, statement: cst.CSTNode,
                   *, value: cst.BaseExpression | None = None, path: str | None = None) -> None:
        if name in scope.global_names:
            target_scope = scope.module
        elif name in scope.nonlocal_names:
            # Rebinding an enclosing function's variable: its value is no longer known there.
            target_scope = scope.parent
            while target_scope is not None and name not in target_scope.bindings:
                target_scope = target_scope.parent
            if target_scope is None:
                return
            kind, value, path = BindingKind.OTHER, None, None
        else:
            target_scope = scope
        target_scope.bind(Binding(name, kind, target_scope, statement, path=path, value=value))

    def _mark_mutated(self, name: str, scope: Scope) -> None:
        bindings = self.model.lookup(name, scope)
        owner = bindings[0].scope if bindings else scope
        owner.mutated_names.add(name)

    def new_scope(self, kind: ScopeKind, node: cst.CSTNode, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        self.model.scope_of_node[node] = scope
        return scope

    def bind_params(self, params: cst.Parameters, outer: Scope, inner: Scope, owner: cst.CSTNode) -> None:
        all_params = [*params.posonly_params, *params.params, *params.kwonly_params]
        for param in all_params:
            if param.default is not None:
                self.walk(param.default, outer)
            if param.annotation is not None:
                self.walk(param.annotation.annotation, outer)
            inner.bind(Binding(param.name.value, BindingKind.PARAM, inner, param, value=param.default))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                inner.bind(Binding(star.name.value, BindingKind.OTHER, inner, star))


def _walk_function(walker: _Walker, node: cst.FunctionDef, scope: Scope) -> None:
    for decorator in node.decorators:
        walker.walk(decorator.decorator, scope)
    if node.returns is not None:
        walker.walk(node.returns.annotation, scope)
    walker._bind_name(node.name.value, scope, BindingKind.FUNCTION, node)
    inner = walker.new_scope(ScopeKind.FUNCTION, node, scope)
    walker.bind_params(node.params, scope, inner, node)
    info = FunctionInfo(node, scope, inner)
    walker.model.functions.append(info)
    walker.model.function_of[node] = info
    # Declarations first: `global x` anywhere in the body applies to the whole body.
    _collect_declarations(node.body, inner)
    walker.walk(node.body, inner)


def _collect_declarations(body: cst.CSTNode, scope: Scope) -> None:
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Global):
            scope.global_names.update(item.name.value for item in node.names)
        elif isinstance(node, cst.Nonlocal):
            scope.nonlocal_names.update(item.name.value for item in node.names)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        elif isinstance(node, (cst.BaseSuite, cst.BaseCompoundStatement, cst.SimpleStatementLine,
                               cst.If, cst.Else, cst.Try, cst.ExceptHandler, cst.Finally)):
            stack.extend(iter_children(node))


def _walk_class(walker: _Walker, node: cst.ClassDef, scope: Scope) -> None:
    for decorator in node.decorators:
        walker.walk(decorator.decorator, scope)
    for arg in (*node.bases, *node.keywords):
        walker.walk(arg.value, scope)
    walker._bind_name(node.name.value, scope, BindingKind.CLASS, node)
    inner = walker.new_scope(ScopeKind.CLASS, node, scope)
    walker.walk(node.body, inner)


def _walk_lambda(walker: _Walker, node: cst.Lambda, scope: Scope) -> None:
    inner = walker.new_scope(ScopeKind.LAMBDA, node, scope)
    walker.bind_params(node.params, scope, inner, node)
    walker.walk(node.body, inner)


def _walk_comprehension(walker: _Walker, node, scope: Scope) -> None:
    inner = walker.new_scope(ScopeKind.COMPREHENSION, node, scope)
    clause = node.for_in
    first = True
    while clause is not None:
        walker.walk(clause.iter, scope if first else inner)
        walker.bind_target(clause.target, inner, BindingKind.OTHER, node)
        for condition in clause.ifs:
            walker.walk(condition.test, inner)
        clause = clause.inner_for_in
        first = False
    if isinstance(node, cst.DictComp):
        walker.walk(node.key, inner)
        walker.walk(node.value, inner)
    else:
        walker.walk(node.elt, inner)


def _walk_import(walker: _Walker, node: cst.Import, scope: Scope) -> None:
    walker.model.imports.append((node, scope))
    for alias in node.names:
        full = dotted_name(alias.name)
        if full is None:
            continue
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            walker._bind_name(alias.asname.name.value, scope, BindingKind.IMPORT, node, path=full)
        else:
            top = full.split(".", 1)[0]
            walker._bind_name(top, scope, BindingKind.IMPORT, node, path=top)


def _walk_import_from(walker: _Walker, node: cst.ImportFrom, scope: Scope) -> None:
    walker.model.imports.append((node, scope))
    module = dotted_name(node.module) if node.module is not None else None
    relative = bool(node.relative)
    if isinstance(node.names, cst.ImportStar):
        # A relative star import may define anything: it blocks star resolution like an
        # unknown module does.
        scope.module.star_imports.append(module if (module and not relative) else "<relative>")
        return
    for alias in node.names:
        if not isinstance(alias.name, cst.Name):
            continue
        name = alias.name.value
        bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
        if relative or module is None:
            walker._bind_name(bound, scope, BindingKind.OTHER, node)
        else:
            walker._bind_name(bound, scope, BindingKind.IMPORT, node, path=f"{module}.{name}")


def _walk_assign(walker: _Walker, node: cst.Assign, scope: Scope) -> None:
    walker.walk(node.value, scope)
    for target in node.targets:
        walker.bind_target(target.target, scope, BindingKind.ASSIGN, node, value=node.value)


def _walk_ann_assign(walker: _Walker, node: cst.AnnAssign, scope: Scope) -> None:
    walker.walk(node.annotation.annotation, scope)
    if node.value is not None:
        walker.walk(node.value, scope)
        walker.bind_target(node.target, scope, BindingKind.ASSIGN, node, value=node.value)
    elif not isinstance(node.target, cst.Name):
        walker.walk(node.target, scope)


def _walk_aug_assign(walker: _Walker, node: cst.AugAssign, scope: Scope) -> None:
    walker.walk(node.value, scope)
    walker.walk(node.target, scope)  # it is read as well
    if isinstance(node.target, cst.Name):
        walker._bind_name(node.target.value, scope, BindingKind.OTHER, node)
    else:
        walker.bind_target(node.target, scope, BindingKind.OTHER, node)


def _walk_for(walker: _Walker, node: cst.For, scope: Scope) -> None:
    walker.walk(node.iter, scope)
    walker.bind_target(node.target, scope, BindingKind.OTHER, node)
    walker.walk(node.body, scope)
    if node.orelse is not None:
        walker.walk(node.orelse, scope)


_RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


def _walk_with(walker: _Walker, node: cst.With, scope: Scope) -> None:
    for item in node.items:
        call = item.item
        if isinstance(call, cst.Call):
            func = call.func
            name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if name in _RAISES_CONTEXTS:
                walker.model.expected_to_raise.append(node)
    for item in node.items:
        walker.walk(item.item, scope)
        if item.asname is not None:
            walker.bind_target(item.asname.name, scope, BindingKind.OTHER, node)
    walker.walk(node.body, scope)


def _walk_except(walker: _Walker, node, scope: Scope) -> None:
    if node.type is not None:
        walker.walk(node.type, scope)
    if node.name is not None:
        walker.bind_target(node.name.name, scope, BindingKind.OTHER, node)
    walker.walk(node.body, scope)


def _walk_named_expr(walker: _Walker, node: cst.NamedExpr, scope: Scope) -> None:
    walker.walk(node.value, scope)
    target_scope = scope
    while target_scope.kind is ScopeKind.COMPREHENSION and target_scope.parent is not None:
        target_scope = target_scope.parent
    walker.bind_target(node.target, target_scope, BindingKind.OTHER, node)


def _walk_del(walker: _Walker, node: cst.Del, scope: Scope) -> None:
    walker.bind_target(node.target, scope, BindingKind.OTHER, node)


def _walk_global(walker: _Walker, node, scope: Scope) -> None:
    # Collected up front by _collect_declarations; at module level they mean nothing.
    return


def _walk_match_capture(walker: _Walker, node, scope: Scope) -> None:
    name = getattr(node, "name", None)
    if isinstance(name, cst.Name):
        walker._bind_name(name.value, scope, BindingKind.OTHER, node)
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        walker.walk(pattern, scope)


def _walk_match_mapping(walker: _Walker, node: cst.MatchMapping, scope: Scope) -> None:
    for element in node.elements:
        walker.walk(element.key, scope)
        walker.walk(element.pattern, scope)
    if node.rest is not None:
        walker._bind_name(node.rest.value, scope, BindingKind.OTHER, node)


def _walk_name(walker: _Walker, node: cst.Name, scope: Scope) -> None:
    walker.model.name_reads.setdefault(node.value, []).append((node, scope))


def _walk_attribute(walker: _Walker, node: cst.Attribute, scope: Scope) -> None:
    walker.walk(node.value, scope)


def _walk_call(walker: _Walker, node: cst.Call, scope: Scope) -> None:
    walker.model.calls.append(CallSite(node, scope))
    func = node.func
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.attr.value in _MUTATING_METHODS
    ):
        walker._mark_mutated(func.value.value, scope)
    walker.walk(func, scope)
    for arg in node.args:
        walker.walk(arg.value, scope)


def _walk_return(walker: _Walker, node: cst.Return, scope: Scope) -> None:
    if node.value is not None:
        walker.walk(node.value, scope)
    owner = scope.node
    if isinstance(owner, cst.FunctionDef):
        info = walker.model.function_of.get(owner)
        if info is not None:
            info.returns.append(node)


_HANDLERS: dict[type, Callable] = {
    cst.FunctionDef: _walk_function,
    cst.ClassDef: _walk_class,
    cst.Lambda: _walk_lambda,
    cst.ListComp: _walk_comprehension,
    cst.SetComp: _walk_comprehension,
    cst.GeneratorExp: _walk_comprehension,
    cst.DictComp: _walk_comprehension,
    cst.Import: _walk_import,
    cst.ImportFrom: _walk_import_from,
    cst.Assign: _walk_assign,
    cst.AnnAssign: _walk_ann_assign,
    cst.AugAssign: _walk_aug_assign,
    cst.For: _walk_for,
    cst.With: _walk_with,
    cst.ExceptHandler: _walk_except,
    cst.ExceptStarHandler: _walk_except,
    cst.NamedExpr: _walk_named_expr,
    cst.Del: _walk_del,
    cst.Global: _walk_global,
    cst.Nonlocal: _walk_global,
    cst.MatchAs: _walk_match_capture,
    cst.MatchStar: _walk_match_capture,
    cst.MatchMapping: _walk_match_mapping,
    cst.Name: _walk_name,
    cst.Attribute: _walk_attribute,
    cst.Call: _walk_call,
    cst.Return: _walk_return,
}
