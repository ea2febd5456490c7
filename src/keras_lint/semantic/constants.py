"""A small constant propagation: the value of an expression when the source proves it.

Literals, names bound exactly once to something known (`shape = (12)`), default parameter
values (`def unet(input_size=(256, 256, 1))`), arithmetic (`n * 2`), tuple concatenation
(`shape + (1,)`), indexing and slicing of known tuples. Anything else is unknown (None):
we never guess.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass

import libcst as cst

from keras_lint.semantic.model import Binding, BindingKind, Scope, SemanticModel

_MAX_DEPTH = 24
_MAX_SEQUENCE = 10_000
_MAX_INT = 10**18


@dataclass(frozen=True)
class Constant:
    value: object
    node: cst.BaseExpression  # the expression the value was read from (after following names)
    binding: Binding | None = None  # the name binding we followed first, if any

    @property
    def from_default(self) -> bool:
        return self.binding is not None and self.binding.kind is BindingKind.PARAM


# The arithmetic a constant expression may use, by LibCST operator node.
BINARY_OPERATORS = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Divide: operator.truediv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}


def _small(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return abs(value) <= _MAX_INT
    if isinstance(value, (tuple, list, str, bytes)):
        return len(value) <= _MAX_SEQUENCE
    return isinstance(value, (float, dict))


class ConstantEvaluator:
    def __init__(self, model: SemanticModel):
        self.model = model
        self._cache: dict[tuple[int, int], Constant | None] = {}

    def evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Constant | None:
        return self._eval(expr, scope, 0)

    def value(self, expr: cst.BaseExpression, scope: Scope, default: object = None) -> object:
        constant = self._eval(expr, scope, 0)
        return default if constant is None else constant.value

    def _eval(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> Constant | None:
        if depth > _MAX_DEPTH:
            return None
        key = (id(expr), id(scope))
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = None  # cycle guard
        try:
            result = self._eval_uncached(expr, scope, depth)
        except (ArithmeticError, TypeError, ValueError, IndexError, KeyError, RecursionError):
            result = None
        if result is not None and not _small(result.value):
            result = None
        self._cache[key] = result
        return result

    def _eval_uncached(self, expr, scope, depth) -> Constant | None:
        if isinstance(expr, (cst.Integer, cst.Float)):
            return Constant(ast.literal_eval(expr.value), expr)
        if isinstance(expr, cst.SimpleString):
            return Constant(ast.literal_eval(expr.value), expr)
        if isinstance(expr, cst.ConcatenatedString):
            left = self._eval(expr.left, scope, depth + 1)
            right = self._eval(expr.right, scope, depth + 1)
            if left is None or right is None:
                return None
            return Constant(left.value + right.value, expr)
        if isinstance(expr, cst.Name):
            return self._eval_name(expr, scope, depth)
        if isinstance(expr, (cst.Tuple, cst.List)):
            items = self._eval_elements(expr.elements, scope, depth)
            if items is None:
                return None
            return Constant(tuple(items) if isinstance(expr, cst.Tuple) else list(items), expr)
        if isinstance(expr, cst.Dict):
            result = {}
            for element in expr.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                key = self._eval(element.key, scope, depth + 1)
                value = self._eval(element.value, scope, depth + 1)
                if key is None or value is None:
                    return None
                result[key.value] = value.value
            return Constant(result, expr)
        if isinstance(expr, cst.UnaryOperation):
            operand = self._eval(expr.expression, scope, depth + 1)
            if operand is None or not isinstance(operand.value, (int, float)):
                return None
            if isinstance(expr.operator, cst.Minus):
                return Constant(-operand.value, expr)
            if isinstance(expr.operator, cst.Plus):
                return Constant(+operand.value, expr)
            return None
        if isinstance(expr, cst.BinaryOperation):
            op = BINARY_OPERATORS.get(type(expr.operator))
            if op is None:
                return None
            left = self._eval(expr.left, scope, depth + 1)
            right = self._eval(expr.right, scope, depth + 1)
            if left is None or right is None:
                return None
            if op is operator.pow and isinstance(right.value, int) and right.value > 64:
                return None
            if op is operator.mul and isinstance(left.value, (tuple, list, str)) and isinstance(right.value, int) and right.value > _MAX_SEQUENCE:
                return None
            return Constant(op(left.value, right.value), expr)
        if isinstance(expr, cst.Subscript):
            return self._eval_subscript(expr, scope, depth)
        if isinstance(expr, cst.Call):
            return self._eval_builtin_call(expr, scope, depth)
        return None

    def _eval_elements(self, elements, scope, depth) -> list | None:
        items: list = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                inner = self._eval(element.value, scope, depth + 1)
                if inner is None or not isinstance(inner.value, (tuple, list)):
                    return None
                items.extend(inner.value)
                continue
            value = self._eval(element.value, scope, depth + 1)
            if value is None:
                return None
            items.append(value.value)
        return items

    def _eval_name(self, expr: cst.Name, scope: Scope, depth: int) -> Constant | None:
        builtin = {"None": None, "True": True, "False": False}
        bindings = self.model.lookup(expr.value, scope)
        if bindings is None:
            if expr.value in builtin and self.model.star_import_path(expr.value) is None:
                return Constant(builtin[expr.value], expr)
            return None
        if len(bindings) != 1:
            return None
        binding = bindings[0]
        if binding.value is None or binding.kind not in (BindingKind.ASSIGN, BindingKind.PARAM):
            return None
        # A default is evaluated where the function is defined, not inside it.
        value_scope = binding.scope.parent if binding.kind is BindingKind.PARAM else binding.scope
        if value_scope is None:
            return None
        inner = self._eval(binding.value, value_scope, depth + 1)
        if inner is None:
            return None
        if isinstance(inner.value, (list, dict)) and binding.name in binding.scope.mutated_names:
            return None
        return Constant(inner.value, inner.node, binding)

    def _eval_subscript(self, expr: cst.Subscript, scope: Scope, depth: int) -> Constant | None:
        base = self._eval(expr.value, scope, depth + 1)
        if base is None or not isinstance(base.value, (tuple, list, str)) or len(expr.slice) != 1:
            return None
        index = expr.slice[0].slice
        if isinstance(index, cst.Index):
            position = self._eval(index.value, scope, depth + 1)
            if position is None or not isinstance(position.value, int):
                return None
            return Constant(base.value[position.value], expr)
        if isinstance(index, cst.Slice):
            bounds = []
            for part in (index.lower, index.upper, index.step):
                if part is None:
                    bounds.append(None)
                    continue
                bound = self._eval(part, scope, depth + 1)
                if bound is None or not (bound.value is None or isinstance(bound.value, int)):
                    return None
                bounds.append(bound.value)
            return Constant(base.value[slice(*bounds)], expr)
        return None

    def _eval_builtin_call(self, expr: cst.Call, scope: Scope, depth: int) -> Constant | None:
        if not isinstance(expr.func, cst.Name) or len(expr.args) != 1 or expr.args[0].keyword or expr.args[0].star:
            return None
        name = expr.func.value
        functions = {"len": len, "tuple": tuple, "list": list, "int": int, "float": float}
        if name not in functions or self.model.lookup(name, scope) is not None:
            return None
        if self.model.star_import_path(name) is not None:
            return None
        argument = self._eval(expr.args[0].value, scope, depth + 1)
        if argument is None:
            return None
        return Constant(functions[name](argument.value), expr)
