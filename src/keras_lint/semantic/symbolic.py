"""Which expressions are symbolic tensors of a model being built: the outputs of `Input(...)`
and of layers, models and Keras functions applied to them.

In Keras 3 these are `KerasTensor`s: placeholders with a shape and a dtype, which hold no
values. Keras 2 code often used them where values are needed (a `compile()` loss that closes
over `z_mean`, `model.add_loss(tensor)`); the rules that find it need to know, without running
the code, that `z_mean` is one. An expression is symbolic when the source proves it:

- a call of `keras.Input(...)` / `keras.layers.Input(...)`;
- a call with a symbolic argument (also inside a list, tuple or dict) whose callee is a Keras
  function (`keras.ops.sum`, `K.exp`, `concatenate`), a Keras layer or a class of the file
  that subclasses one, created in place (`Dense(2)(h)`) or bound to a name once
  (`decoder = Dense(784)` ... `decoder(z)`), or a provable Keras model (`encoder(x)`);
- arithmetic, indexing and unary operators on a symbolic operand;
- `.output`/`.outputs`/`.input`/`.inputs` of a provable Keras model;
- a name whose every binding in its scope is one of these (including `a, b = layer([a, b])`).

Anything else (parameters, attributes, values computed by other libraries) is not provably
symbolic.
"""

from __future__ import annotations

import libcst as cst

from keras_lint.context import Context
from keras_lint.semantic.keras_models import is_keras_model
from keras_lint.semantic.model import BindingKind, Scope

_MAX_DEPTH = 10
_INPUTS = ("keras.Input", "keras.layers.Input")
_MODEL_TENSORS = frozenset({"output", "outputs", "input", "inputs"})


def is_symbolic(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
    return _Symbolic.of(ctx).check(expr, scope, 0)


def keras_layer_class(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
    """Whether `expr` names a Keras layer class, or a class of this file derived from one."""
    name = ctx.keras_name(expr, scope)
    if name is not None:
        return name.path.startswith("keras.layers.") and name.name[:1].isupper()
    if not isinstance(expr, cst.Name):
        return False
    bindings = ctx.semantic.lookup(expr.value, scope)
    if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.CLASS:
        return False
    node = bindings[0].node
    return isinstance(node, cst.ClassDef) and any(keras_layer_class(ctx, base.value, bindings[0].scope) for base in node.bases)


class _Symbolic:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cache: dict[tuple[int, int], bool] = {}

    @staticmethod
    def of(ctx: Context) -> _Symbolic:
        return ctx.memo("symbolic_tensors", _Symbolic)

    def check(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        key = (id(expr), id(scope))
        if key not in self.cache:
            self.cache[key] = False  # cycle guard
            self.cache[key] = self._check(expr, scope, depth)
        return self.cache[key]

    def _check(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> bool:
        if isinstance(expr, cst.Call):
            return self._call(expr, scope, depth)
        if isinstance(expr, cst.BinaryOperation):
            return self.check(expr.left, scope, depth + 1) or self.check(expr.right, scope, depth + 1)
        if isinstance(expr, cst.UnaryOperation):
            return self.check(expr.expression, scope, depth + 1)
        if isinstance(expr, cst.Subscript):
            return self.check(expr.value, scope, depth + 1)
        if isinstance(expr, cst.Attribute):
            return expr.attr.value in _MODEL_TENSORS and is_keras_model(self.ctx, expr.value, scope)
        if isinstance(expr, (cst.List, cst.Tuple)):
            return any(self.check(e.value, scope, depth + 1) for e in expr.elements)
        if isinstance(expr, cst.Dict):
            return any(isinstance(e, cst.DictElement) and self.check(e.value, scope, depth + 1) for e in expr.elements)
        if isinstance(expr, cst.Name):
            return self._name(expr, scope, depth)
        return False

    def _name(self, expr: cst.Name, scope: Scope, depth: int) -> bool:
        bindings = self.ctx.semantic.lookup(expr.value, scope)
        if not bindings:
            return False
        for binding in bindings:
            if binding.kind is BindingKind.ASSIGN and binding.value is not None:
                if not self.check(binding.value, binding.scope, depth + 1):
                    return False
            elif binding.kind is BindingKind.OTHER and isinstance(binding.node, cst.Assign) and _unpacks(binding.node, binding.name):
                # z_mean, z_log_var = KLDivergenceLayer()([z_mean, z_log_var])
                if not self.check(binding.node.value, binding.scope, depth + 1):
                    return False
            else:
                return False
        return True

    def _call(self, call: cst.Call, scope: Scope, depth: int) -> bool:
        name = self.ctx.keras_name(call.func, scope)
        if name is not None and name.is_(*_INPUTS):
            return True
        if not any(self.check(arg.value, scope, depth + 1) for arg in call.args):
            return False
        if name is not None:
            return True  # a Keras function (keras.ops.*, K.*, concatenate) of a symbolic tensor
        func = call.func
        if isinstance(func, cst.Call):
            return keras_layer_class(self.ctx, func.func, scope)  # Dense(2)(h)
        if isinstance(func, cst.Name):
            return self._layer_or_model(func, scope)
        return False

    def _layer_or_model(self, func: cst.Name, scope: Scope) -> bool:
        """`decoder_h(z)`: a name bound once to a layer instance, or a provable model."""
        if is_keras_model(self.ctx, func, scope):
            return True
        bindings = self.ctx.semantic.lookup(func.value, scope)
        if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
            return False
        value = bindings[0].value
        return isinstance(value, cst.Call) and keras_layer_class(self.ctx, value.func, bindings[0].scope)


def _unpacks(statement: cst.Assign, name: str) -> bool:
    for target in statement.targets:
        if isinstance(target.target, (cst.Tuple, cst.List)):
            elements = target.target.elements
            if any(isinstance(e, cst.StarredElement) for e in elements):
                return False
            if any(isinstance(e.value, cst.Name) and e.value.value == name for e in elements):
                return True
    return False
