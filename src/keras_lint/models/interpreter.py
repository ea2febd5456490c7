"""A small abstract interpreter for Python: the engine under model extraction.

It runs a module and its functions statement by statement, keeping for each variable what the
source proves it holds: a constant, a sequence of values, a function of the file, an imported
object (`Ref`), or OPAQUE. Calls of the file's own functions are followed a few levels deep;
`if` on a known condition takes its branch, loops over a known sequence are unrolled, and
anything else is joined conservatively: a name whose value differs between two paths becomes
OPAQUE, and a block that may run any number of times forgets every name it assigns. Nothing
runs and nothing is guessed; a time budget bounds the work on huge files.

What the values mean for Keras (tensors, layers, models, arrays) is the subclass's business
(models/extract.py): it answers the hooks at the end of `Interpreter`.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Context
from keras_lint.models.graph import Value
from keras_lint.models.values import OPAQUE, Const, Function, Mapping, Method, Ref, Seq
from keras_lint.semantic.constants import BINARY_OPERATORS
from keras_lint.semantic.model import BindingKind, Scope, iter_children
from keras_lint.semantic.names import keras_name
from keras_lint.shapes import UNKNOWN

MAX_INLINE_DEPTH = 4
MAX_STEPS = 60_000  # statements and calls per file: a bound on the time spent
MAX_UNROLL = 32

_COMPARE = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}
_BUILTINS = frozenset({"range", "len", "list", "tuple", "int", "float", "enumerate", "zip", "print", "min", "max", "abs", "round", "sum"})

_MISSING = object()


class OutOfBudget(Exception):
    """The time budget for the file ran out."""


@dataclass(eq=False)
class Frame:
    """One run of a function (or of the module): its variables and where it stands."""

    scope: Scope
    unit: object  # what the subclass files the models built here under
    names: object  # the subclass's layer-name counter, shared by inlined calls
    home: bool  # a function run on its own (with its defaults), not called from elsewhere
    parent: Frame | None = None
    env: dict = field(default_factory=dict)
    uncertain: int = 0
    terminated: bool = False
    returns: list = field(default_factory=list)
    depth: int = 0
    # A function run on its own (and what it calls) reads the module's constants and functions
    # but not its objects: running it must not add layers to a module-level model.
    isolated: bool = False


def statements_of(suite) -> list:
    """The statements of a block (an indented block, a module); a one-line suite
    (`for x in xs: f(x)`) is one statement of small statements."""
    if suite is None:
        return []
    if isinstance(suite, cst.SimpleStatementSuite):
        return [suite]
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    if isinstance(suite, cst.Module):
        return list(suite.body)
    return [suite]


def is_constant(value) -> bool:
    return isinstance(value, Const)


def sequence_items(value) -> list | None:
    """The items of a sequence value, as values, or None."""
    if isinstance(value, Seq):
        return list(value.items)
    if isinstance(value, Const) and isinstance(value.value, (tuple, list, range)):
        return [Const(v) for v in value.value]
    return None


def constant_of(value):
    """The Python constant a value stands for, or UNKNOWN. Sequences of constants are
    constants (tuples stay tuples)."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq):
        items = [constant_of(i) for i in value.items]
        return tuple(items) if value.is_tuple else list(items)
    return UNKNOWN


def _same(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, Const) and isinstance(b, Const):
        try:
            return type(a.value) is type(b.value) and bool(a.value == b.value)
        except Exception:
            return False
    return False


def join_values(values: list):
    first = values[0]
    return first if all(_same(first, v) for v in values[1:]) else OPAQUE


def _assigned_names(nodes) -> set[str]:
    """Names a block of statements may bind (assignment targets, loop variables, ...)."""
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        targets = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, (cst.For, cst.CompFor)):
            targets = [node.target]
        elif isinstance(node, cst.NamedExpr):
            targets = [node.target]
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            targets = [node.asname.name]
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
            continue
        elif isinstance(node, cst.Del):
            targets = [node.target]
        for target in targets:
            _target_names(target, names)
        stack.extend(iter_children(node))
    return names


def _target_names(target, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _target_names(element.value, names)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, names)
    elif isinstance(target, cst.Attribute):
        base = target.value
        if isinstance(base, cst.Name):
            names.add(f"{base.value}.{target.attr.value}")


def _has_loop_exit(body) -> bool:
    """Whether a loop body has a `break`/`continue` of its own (not of a nested loop)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Break, cst.Continue)):
            return True
        if isinstance(node, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(iter_children(node))
    return False


class Interpreter:
    """The statements and expressions of Python, abstractly. See the module docstring."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.semantic = ctx.semantic
        self.steps = 0
        self.stack: list[cst.FunctionDef] = []  # the functions being run, to stop recursion
        self.module_frame: Frame | None = None
        self.literals: dict[int, Value] = {}

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise OutOfBudget

    def exec_block(self, statements, frame: Frame) -> None:
        for statement in statements:
            if frame.terminated:
                return
            self._tick()
            self.exec_statement(statement, frame)

    def exec_statement(self, node, frame: Frame) -> None:
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in node.body:
                if frame.terminated:
                    return
                self.exec_small(small, frame)
        elif isinstance(node, cst.If):
            self.exec_if(node, frame)
        elif isinstance(node, cst.For):
            self.exec_for(node, frame)
        elif isinstance(node, cst.While):
            self.eval(node.test, frame)
            self.havoc(statements_of(node.body), frame)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.exec_try(node, frame)
        elif isinstance(node, cst.With):
            for item in node.items:
                self.eval(item.item, frame)
                if item.asname is not None:
                    self.bind(item.asname.name, OPAQUE, frame)
            self.exec_block(statements_of(node.body), frame)
        elif isinstance(node, cst.FunctionDef):
            info = self.semantic.function_of.get(node)
            frame.env[node.name.value] = Function(info, frame) if info is not None else OPAQUE
        elif isinstance(node, cst.ClassDef):
            frame.env[node.name.value] = OPAQUE
        elif isinstance(node, cst.Match):
            self.havoc([node], frame)

    def exec_small(self, node, frame: Frame) -> None:
        if isinstance(node, cst.Assign):
            value = self.eval(node.value, frame)
            for target in node.targets:
                self.bind(target.target, value, frame)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.eval(node.value, frame), frame)
        elif isinstance(node, cst.AugAssign):
            value = self.eval(node.value, frame)
            if isinstance(node.target, cst.Name):
                old = self.eval(node.target, frame)
                self.bind(node.target, self._binary(type(node.operator), old, value), frame)
        elif isinstance(node, cst.Expr):
            self.eval(node.value, frame)
        elif isinstance(node, cst.Return):
            frame.returns.append(self.eval(node.value, frame) if node.value is not None else Const(None))
            frame.terminated = True
        elif isinstance(node, cst.Raise):
            frame.terminated = True
        elif isinstance(node, cst.Del):
            self.bind(node.target, OPAQUE, frame)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            for item in node.names:
                frame.env[item.name.value] = OPAQUE

    def bind(self, target, value, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.env[target.value] = value
            self.bound(target.value, value, frame)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = list(target.elements)
            items = sequence_items(value)
            if items is not None and len(items) == len(elements) and not any(isinstance(e, cst.StarredElement) for e in elements):
                for element, item in zip(elements, items):
                    self.bind(element.value, item, frame)
            else:
                for element in elements:
                    self.bind(element.value, OPAQUE, frame)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, OPAQUE, frame)
        elif isinstance(target, cst.Attribute):
            base = target.value
            if isinstance(base, cst.Name):
                frame.env[f"{base.value}.{target.attr.value}"] = value
            self.assign_attribute(self.eval(base, frame), target.attr.value, value, frame)
        elif isinstance(target, cst.Subscript):
            base = target.value
            while isinstance(base, (cst.Subscript, cst.Attribute)):
                base = base.value
            if isinstance(base, cst.Name) and base.value in frame.env:
                frame.env[base.value] = OPAQUE

    def exec_if(self, node: cst.If, frame: Frame) -> None:
        truth = self.truth(self.eval(node.test, frame), node.test)
        orelse = node.orelse
        if truth is True:
            self.exec_block(statements_of(node.body), frame)
            return
        if truth is False:
            if isinstance(orelse, cst.If):
                self.exec_if(orelse, frame)
            elif isinstance(orelse, cst.Else):
                self.exec_block(statements_of(orelse.body), frame)
            return
        saved = dict(frame.env)
        frame.uncertain += 1
        try:
            frame.env, frame.terminated = dict(saved), False
            self.exec_block(statements_of(node.body), frame)
            first_env, first_done = frame.env, frame.terminated
            frame.env, frame.terminated = dict(saved), False
            if isinstance(orelse, cst.If):
                self.exec_if(orelse, frame)
            elif isinstance(orelse, cst.Else):
                self.exec_block(statements_of(orelse.body), frame)
            second_env, second_done = frame.env, frame.terminated
        finally:
            frame.uncertain -= 1
        if first_done and second_done:
            frame.env, frame.terminated = first_env, True
        elif first_done:
            frame.env, frame.terminated = second_env, False
        elif second_done:
            frame.env, frame.terminated = first_env, False
        else:
            frame.env, frame.terminated = self._join_envs(first_env, second_env), False

    @staticmethod
    def _join_envs(first: dict, second: dict) -> dict:
        joined = {}
        for name in set(first) | set(second):
            if name in first and name in second:
                joined[name] = join_values([first[name], second[name]])
            else:
                joined[name] = OPAQUE
        return joined

    def exec_for(self, node: cst.For, frame: Frame) -> None:
        items = sequence_items(self.eval(node.iter, frame))
        body = statements_of(node.body)
        if items is None or len(items) > MAX_UNROLL or _has_loop_exit(body) or node.orelse is not None:
            self.havoc(body, frame, node.target)
            return
        for item in items:
            if frame.terminated:
                return
            self.bind(node.target, item, frame)
            self.exec_block(body, frame)

    def havoc(self, body, frame: Frame, target=None) -> None:
        """Run a block that may run any number of times (or not at all) on a copy, then forget
        every name it assigns."""
        saved = dict(frame.env)
        frame.uncertain += 1
        try:
            frame.env = dict(saved)
            if target is not None:
                self.bind(target, OPAQUE, frame)
            self.exec_block(body, frame)
        finally:
            frame.uncertain -= 1
        frame.env, frame.terminated = saved, False
        names = _assigned_names(body)
        if target is not None:
            _target_names(target, names)
        for name in names:
            frame.env[name] = OPAQUE

    def exec_try(self, node, frame: Frame) -> None:
        self.exec_block(statements_of(node.body), frame)
        if frame.terminated:
            return
        for handler in node.handlers:
            self.havoc(statements_of(handler.body), frame, handler.name.name if handler.name is not None else None)
        if node.orelse is not None:
            self.exec_block(statements_of(node.orelse.body), frame)
        if node.finalbody is not None:
            self.exec_block(statements_of(node.finalbody.body), frame)

    def lookup(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        current = frame
        while current is not None:
            if name in current.env:
                value = current.env[name]
                if frame.isolated and current is self.module_frame and not isinstance(value, (Const, Ref, Function)):
                    return OPAQUE
                return value
            if name in current.scope.bindings and current.scope is not self.semantic.module_scope:
                break
            current = current.parent
        scope = frame.scope
        bindings = self.semantic.lookup(name, scope)
        if bindings is None:
            path = self.semantic.star_import_path(name)
            if path:
                return Ref(path, keras_name(path))
            if name in ("None", "True", "False"):
                return Const({"None": None, "True": True, "False": False}[name])
            if name in _BUILTINS:
                return Ref(f"builtins.{name}")
            return OPAQUE
        if all(b.kind is BindingKind.IMPORT for b in bindings) or self._alias(bindings):
            path = self.ctx.qualified_name(node, scope)
            if path is not None:
                return Ref(path, keras_name(path))
            return OPAQUE
        if len(bindings) == 1 and bindings[0].kind is BindingKind.FUNCTION:
            info = self.semantic.function_of.get(bindings[0].node)
            if info is not None:
                closure = self.module_frame if bindings[0].scope is self.semantic.module_scope else None
                return Function(info, closure)
        constant = self.ctx.constant(node, scope)
        if constant is not None:
            return Const(constant.value)
        return OPAQUE

    def _alias(self, bindings) -> bool:
        return (
            len(bindings) == 1
            and bindings[0].kind is BindingKind.ASSIGN
            and isinstance(bindings[0].value, (cst.Name, cst.Attribute))
            and self.semantic.binding_path(bindings[0]) is not None
        )

    def eval(self, node, frame: Frame) -> Value:
        try:
            return self._eval(node, frame)
        except (OutOfBudget, RecursionError):
            raise
        except Exception:  # an unexpected construct must never stop the analysis
            return OPAQUE

    def _eval(self, node, frame: Frame) -> Value:
        handler = _EVALUATORS.get(type(node))
        if handler is None:
            return OPAQUE
        return handler(self, node, frame)

    def _eval_literal(self, node, frame: Frame) -> Value:
        value = self.literals.get(id(node), _MISSING)
        if value is _MISSING:
            try:
                value = Const(ast.literal_eval(node.value))
            except (ValueError, SyntaxError):
                value = OPAQUE
            self.literals[id(node)] = value
        return value

    def _eval_concatenated(self, node, frame: Frame) -> Value:
        left, right = self.eval(node.left, frame), self.eval(node.right, frame)
        if is_constant(left) and is_constant(right) and isinstance(left.value, str) and isinstance(right.value, str):
            return Const(left.value + right.value)
        return OPAQUE

    def _eval_sequence(self, node, frame: Frame) -> Value:
        items: list = []
        for element in node.elements:
            if type(element) is cst.StarredElement:
                inner = sequence_items(self.eval(element.value, frame))
                if inner is None:
                    return OPAQUE
                items.extend(inner)
            else:
                items.append(self.eval(element.value, frame))
        return self._sequence(items, type(node) is cst.Tuple)

    def _eval_dict(self, node, frame: Frame) -> Value:
        entries = {}
        for element in node.elements:
            if type(element) is not cst.DictElement:
                return OPAQUE
            key = self.eval(element.key, frame)
            value = self.eval(element.value, frame)
            if not is_constant(key):
                return OPAQUE
            entries[key.value] = value
        if all(is_constant(v) for v in entries.values()):
            return Const({k: v.value for k, v in entries.items()})
        return Mapping(entries)

    def _eval_binary(self, node, frame: Frame) -> Value:
        return self._binary(type(node.operator), self.eval(node.left, frame), self.eval(node.right, frame))

    def _eval_unary(self, node, frame: Frame) -> Value:
        operand = self.eval(node.expression, frame)
        if type(node.operator) is cst.Not:
            truth = self.truth(operand)
            return OPAQUE if truth is None else Const(not truth)
        if is_constant(operand) and isinstance(operand.value, (int, float)) and not isinstance(operand.value, bool):
            if type(node.operator) is cst.Minus:
                return Const(-operand.value)
            if type(node.operator) is cst.Plus:
                return Const(+operand.value)
        return self.unary_object(operand)

    def _eval_boolean(self, node, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        truth = self.truth(left)
        if truth is None:
            self.eval(node.right, frame)
            return OPAQUE
        if type(node.operator) is cst.And:
            return self.eval(node.right, frame) if truth else left
        return left if truth else self.eval(node.right, frame)

    def _eval_if_expression(self, node, frame: Frame) -> Value:
        truth = self.truth(self.eval(node.test, frame), node.test)
        if truth is True:
            return self.eval(node.body, frame)
        if truth is False:
            return self.eval(node.orelse, frame)
        return join_values([self.eval(node.body, frame), self.eval(node.orelse, frame)])

    def _eval_named(self, node, frame: Frame) -> Value:
        value = self.eval(node.value, frame)
        self.bind(node.target, value, frame)
        return value

    def _sequence(self, items: list, is_tuple: bool) -> Value:
        if all(is_constant(i) for i in items):
            values = [i.value for i in items]
            return Const(tuple(values) if is_tuple else values)
        return Seq(items, is_tuple)

    def truth(self, value, node=None) -> bool | None:
        if node is not None and self._is_main_guard(node):
            return True
        if isinstance(value, Const):
            try:
                return bool(value.value)
            except Exception:
                return None
        if isinstance(value, Seq):
            return bool(value.items)
        if isinstance(value, Function) or self.is_object(value):
            return True
        return None

    @staticmethod
    def _is_main_guard(node) -> bool:
        """`__name__ == "__main__"`: keras-lint reads a file as a program that runs."""
        if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
            return False
        left, target = node.left, node.comparisons[0]
        return (
            isinstance(left, cst.Name)
            and left.value == "__name__"
            and isinstance(target.operator, cst.Equal)
            and isinstance(target.comparator, cst.SimpleString)
            and target.comparator.evaluated_value == "__main__"
        )

    def eval_comparison(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            op = _COMPARE.get(type(target.operator))
            if op is None or not is_constant(left) or not is_constant(right):
                return OPAQUE
            try:
                if not op(left.value, right.value):
                    result = False
            except Exception:
                return OPAQUE
            left = right
        return Const(result)

    def _binary(self, op_type, left, right) -> Value:
        op = BINARY_OPERATORS.get(op_type)
        if op is None:
            return OPAQUE
        if is_constant(left) and is_constant(right):
            a, b = left.value, right.value
            if op is operator.pow and isinstance(b, int) and b > 64:
                return OPAQUE
            if op is operator.mul and isinstance(a, (tuple, list, str)) and isinstance(b, int) and b > 10_000:
                return OPAQUE
            try:
                value = op(a, b)
            except Exception:
                return OPAQUE
            if isinstance(value, int) and abs(value) > 10**18:
                return OPAQUE
            return Const(value)
        if op is operator.add and isinstance(left, (Seq, Const)) and isinstance(right, (Seq, Const)):
            a, b = sequence_items(left), sequence_items(right)
            if a is not None and b is not None:
                is_tuple = isinstance(left, Seq) and left.is_tuple or isinstance(left, Const) and isinstance(left.value, tuple)
                return self._sequence(a + b, is_tuple)
        return self.binary_objects(op, left, right)

    def eval_attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base_node = node.value
        if isinstance(base_node, cst.Name):
            key = f"{base_node.value}.{node.attr.value}"
            current = frame
            while current is not None:
                if key in current.env:
                    value = current.env[key]
                    if frame.isolated and current is self.module_frame and not isinstance(value, (Const, Ref, Function)):
                        return OPAQUE
                    return value
                current = current.parent
        path = self.ctx.qualified_name(node, frame.scope) if self._root_is_import(node, frame) else None
        if path is not None:
            return Ref(path, keras_name(path))
        base = self.eval(base_node, frame)
        attr = node.attr.value
        if isinstance(base, Ref):
            full = f"{base.path}.{attr}"
            return Ref(full, keras_name(full))
        return self.attribute(base, attr, node, frame)

    def _root_is_import(self, node, frame: Frame) -> bool:
        """Whether an attribute chain starts at a name the local frame does not hold (so its
        meaning comes from an import)."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        current = frame
        while current is not None:
            if root.value in current.env:
                return isinstance(current.env[root.value], Ref)
            current = current.parent
        return True

    def eval_subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        if not isinstance(base, (Seq, Const, Mapping)):
            return self.subscript(base, node, frame)
        if len(node.slice) != 1:
            return OPAQUE
        index = node.slice[0].slice
        if isinstance(base, Mapping) and isinstance(index, cst.Index):
            key = self.eval(index.value, frame)
            return base.items.get(key.value, OPAQUE) if is_constant(key) else OPAQUE
        items = sequence_items(base)
        if items is None:
            return OPAQUE
        if isinstance(index, cst.Index):
            position = self.eval(index.value, frame)
            if is_constant(position) and isinstance(position.value, int) and not isinstance(position.value, bool):
                try:
                    return items[position.value]
                except IndexError:
                    return OPAQUE
            return OPAQUE
        if isinstance(index, cst.Slice):
            bounds = []
            for part in (index.lower, index.upper, index.step):
                if part is None:
                    bounds.append(None)
                    continue
                bound = self.eval(part, frame)
                if not is_constant(bound) or not (bound.value is None or isinstance(bound.value, int)):
                    return OPAQUE
                bounds.append(bound.value)
            try:
                chosen = items[slice(*bounds)]
            except ValueError:
                return OPAQUE
            is_tuple = isinstance(base, Seq) and base.is_tuple or isinstance(base, Const) and isinstance(base.value, tuple)
            return self._sequence(chosen, is_tuple)
        return OPAQUE

    def eval_list_comprehension(self, node: cst.ListComp, frame: Frame) -> Value:
        clause = node.for_in
        if clause.inner_for_in is not None or clause.ifs:
            return OPAQUE
        items = sequence_items(self.eval(clause.iter, frame))
        if items is None or len(items) > MAX_UNROLL:
            return OPAQUE
        scope = self.semantic.scope_of_node.get(node, frame.scope)
        results = []
        for item in items:
            inner = Frame(scope, frame.unit, frame.names, frame.home, parent=frame, uncertain=frame.uncertain, depth=frame.depth, isolated=frame.isolated)
            self.bind(clause.target, item, inner)
            results.append(self.eval(node.elt, inner))
        return self._sequence(results, False)

    def eval_arguments(self, node: cst.Call, frame: Frame):
        """Positional values, keyword values, and whether a `*`/`**` argument was not followed."""
        positional: list = []
        keywords: dict = {}
        unknown_star = False
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.star == "*":
                items = sequence_items(value)
                if items is None:
                    unknown_star = True
                else:
                    positional.extend(items)
            elif arg.star == "**":
                if isinstance(value, Const) and isinstance(value.value, dict):
                    keywords.update({k: Const(v) for k, v in value.value.items()})
                elif isinstance(value, Mapping):
                    keywords.update(value.items)
                else:
                    unknown_star = True
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = value
            else:
                positional.append(value)
        return positional, keywords, unknown_star

    def eval_call(self, node: cst.Call, frame: Frame) -> Value:
        self._tick()
        callee = self.eval(node.func, frame)
        positional, keywords, unknown_star = self.eval_arguments(node, frame)
        if isinstance(callee, Ref):
            if callee.path.startswith("builtins."):
                return self._builtin(callee.path[len("builtins.") :], positional)
            return self.call_ref(callee, node, positional, keywords, unknown_star, frame)
        if isinstance(callee, Function):
            if unknown_star:
                return OPAQUE
            return self.call_function(callee, positional, keywords, frame)
        if isinstance(callee, Method):
            return self.call_method(callee, node, positional, keywords, frame)
        return self.call_object(callee, node, positional, keywords, frame)

    def call_function(self, function: Function, positional: list, keywords: dict, frame: Frame) -> Value:
        info = function.info
        if frame.depth >= MAX_INLINE_DEPTH or info.node in self.stack:
            return OPAQUE
        parent = function.closure if isinstance(function.closure, Frame) else self.module_frame
        inner = Frame(
            info.body_scope, self.unit_of(info), frame.names, home=False, parent=parent,
            uncertain=frame.uncertain, depth=frame.depth + 1, isolated=frame.isolated,
        )
        params = info.node.params
        ordered = [*params.posonly_params, *params.params]
        for index, param in enumerate(ordered):
            name = param.name.value
            if index < len(positional):
                inner.env[name] = positional[index]
            elif name in keywords:
                inner.env[name] = keywords.pop(name)
            elif param.default is not None:
                inner.env[name] = self.eval(param.default, parent)
            else:
                inner.env[name] = OPAQUE
        for param in params.kwonly_params:
            name = param.name.value
            if name in keywords:
                inner.env[name] = keywords.pop(name)
            elif param.default is not None:
                inner.env[name] = self.eval(param.default, parent)
            else:
                inner.env[name] = OPAQUE
        if isinstance(params.star_arg, cst.Param):
            inner.env[params.star_arg.name.value] = Seq(list(positional[len(ordered) :]), True)
        if isinstance(params.star_kwarg, cst.Param):
            inner.env[params.star_kwarg.name.value] = Mapping(dict(keywords))
        self.stack.append(info.node)
        try:
            self.exec_block(statements_of(info.node.body), inner)
        finally:
            self.stack.pop()
        if not inner.returns:
            return Const(None)
        return join_values(inner.returns)

    def call_method(self, method: Method, node: cst.Call, positional: list, keywords: dict, frame: Frame) -> Value:
        receiver, name = method.receiver, method.name
        if isinstance(receiver, Seq) and name in ("append", "extend", "insert", "pop", "remove"):
            # A list of layers or tensors built up step by step: keep following appends.
            if name == "append" and len(positional) == 1 and not frame.uncertain:
                receiver.items.append(positional[0])
                return Const(None)
            receiver.items[:] = [OPAQUE]
            return OPAQUE
        return self.object_method(receiver, name, node, positional, keywords, frame)

    def _builtin(self, name: str, positional: list) -> Value:
        if name == "print":
            return Const(None)
        if name in ("list", "tuple") and len(positional) == 1:
            items = sequence_items(positional[0])
            return self._sequence(items, name == "tuple") if items is not None else OPAQUE
        if name == "len" and len(positional) == 1:
            items = sequence_items(positional[0])
            return Const(len(items)) if items is not None else OPAQUE
        if name == "enumerate" and len(positional) == 1:
            items = sequence_items(positional[0])
            return Seq([Seq([Const(i), item], True) for i, item in enumerate(items)]) if items is not None else OPAQUE
        if name == "zip" and positional:
            columns = [sequence_items(p) for p in positional]
            if any(c is None for c in columns):
                return OPAQUE
            return Seq([Seq(list(row), True) for row in zip(*columns)])
        values = [constant_of(v) for v in positional]
        if any(v is UNKNOWN for v in values):
            return OPAQUE
        if name == "range" and all(isinstance(v, int) and not isinstance(v, bool) for v in values) and 1 <= len(values) <= 3:
            try:
                result = range(*values)
            except ValueError:
                return OPAQUE
            if len(result) > 10_000:
                return OPAQUE
            return Const(list(result))
        functions = {"int": int, "float": float, "min": min, "max": max, "abs": abs, "round": round, "sum": sum}
        if name in functions and values:
            try:
                return Const(functions[name](*values))
            except Exception:
                return OPAQUE
        return OPAQUE

    # -- hooks for what values mean (models/extract.py) -------------------------------------

    def unit_of(self, info) -> object:
        """What models built in a function are filed under."""
        return None

    def bound(self, name: str, value: Value, frame: Frame) -> None:
        """A name was assigned."""

    def assign_attribute(self, owner: Value, attribute: str, value: Value, frame: Frame) -> None:
        """`owner.attribute = value`."""

    def is_object(self, value: Value) -> bool:
        """Whether a value is an object (always true in a condition)."""
        return False

    def binary_objects(self, op, left: Value, right: Value) -> Value:
        """`left <op> right` when they are not both constants or sequences."""
        return OPAQUE

    def unary_object(self, operand: Value) -> Value:
        """`-operand` when it is not a number."""
        return OPAQUE

    def eval_lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        """A `lambda` expression."""
        return OPAQUE

    def attribute(self, base: Value, attr: str, node: cst.Attribute, frame: Frame) -> Value:
        return Method(base, attr)

    def subscript(self, base: Value, node: cst.Subscript, frame: Frame) -> Value:
        return OPAQUE

    def call_ref(self, ref: Ref, node: cst.Call, positional: list, keywords: dict, unknown_star: bool, frame: Frame) -> Value:
        """A call of an imported object."""
        return OPAQUE

    def call_object(self, callee: Value, node: cst.Call, positional: list, keywords: dict, frame: Frame) -> Value:
        """A call of a value (a layer, a model)."""
        return OPAQUE

    def object_method(self, receiver: Value, name: str, node: cst.Call, positional: list, keywords: dict, frame: Frame) -> Value:
        """`receiver.name(...)` for a receiver that is not a sequence."""
        return OPAQUE


_EVALUATORS = {
    cst.Integer: Interpreter._eval_literal,
    cst.Float: Interpreter._eval_literal,
    cst.Imaginary: Interpreter._eval_literal,
    cst.SimpleString: Interpreter._eval_literal,
    cst.ConcatenatedString: Interpreter._eval_concatenated,
    cst.Name: Interpreter.lookup,
    cst.Attribute: Interpreter.eval_attribute,
    cst.Call: Interpreter.eval_call,
    cst.Tuple: Interpreter._eval_sequence,
    cst.List: Interpreter._eval_sequence,
    cst.Dict: Interpreter._eval_dict,
    cst.Subscript: Interpreter.eval_subscript,
    cst.BinaryOperation: Interpreter._eval_binary,
    cst.UnaryOperation: Interpreter._eval_unary,
    cst.BooleanOperation: Interpreter._eval_boolean,
    cst.Comparison: Interpreter.eval_comparison,
    cst.IfExp: Interpreter._eval_if_expression,
    cst.NamedExpr: Interpreter._eval_named,
    cst.ListComp: Interpreter.eval_list_comprehension,
    cst.Lambda: lambda self, node, frame: self.eval_lambda(node, frame),
}
