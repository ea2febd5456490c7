"""Which expressions are Keras models.

`model.fit(...)` has no callee keras-lint can resolve: `fit` is a method of whatever `model`
is. The training rules need to know when `model` is provably a Keras model. It is when the
name is bound (every binding of it) to:

- a call of `Sequential(...)`, `Model(...)` (any spelling: `keras.Model`, `tf.keras.Model`,
  Keras 1's `Container`), `load_model(...)`, `clone_model(...)`, `model_from_json(...)`, or a
  `keras.applications` constructor;
- a call of a function defined in the same file whose every `return` returns such a model
  (followed a few levels deep), including one element of a returned tuple
  (`vae, encoder, decoder = build_vae()`).

Parameters, attributes (`self.model`) and anything computed are not provable.

What a model's layers compute is the business of `keras_lint.models` (the interpreter) and
`keras_lint.models.heads` (its outputs' activations and units).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from keras_lint.context import Context
from keras_lint.semantic.model import BindingKind, Scope
from keras_lint.semantic.names import KerasName

_MAX_DEPTH = 6

SEQUENTIAL = ("keras.Sequential",)
FUNCTIONAL = ("keras.Model",)
LOADERS = (
    "keras.saving.load_model",
    "keras.models.load_model",
    "keras.models.clone_model",
    "keras.models.model_from_json",
)


@dataclass(frozen=True)
class ModelSource:
    kind: str  # "sequential" | "functional" | "other"
    call: cst.Call  # the call that creates the model
    scope: Scope  # where that call is
    name: str | None = None  # the name the model is bound to where it is created (for `.add`)
    name_scope: Scope | None = None


def _model_kind(name: KerasName) -> str | None:
    if name.is_(*SEQUENTIAL):
        return "sequential"
    if name.is_(*FUNCTIONAL):
        return "functional"
    if name.is_(*LOADERS) or name.path.startswith("keras.applications.") and name.name[:1].isupper():
        return "other"
    return None


def model_sources(ctx: Context, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[ModelSource] | None:
    """Where the model `expr` evaluates to is created; None when `expr` is not provably a
    Keras model."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, cst.Call):
        name = ctx.keras_name(expr.func, scope)
        if name is not None:
            kind = _model_kind(name)
            return [ModelSource(kind, expr, scope)] if kind is not None else None
        return _returned_models(ctx, expr, scope, depth, index=None)
    if isinstance(expr, cst.Name):
        bindings = ctx.semantic.lookup(expr.value, scope)
        if not bindings:
            return None
        sources: list[ModelSource] = []
        for binding in bindings:
            found = _binding_sources(ctx, binding, depth)
            if found is None:
                return None
            sources.extend(found)
        return sources
    return None


def _binding_sources(ctx: Context, binding, depth: int) -> list[ModelSource] | None:
    if binding.kind is BindingKind.ASSIGN and binding.value is not None:
        found = model_sources(ctx, binding.value, binding.scope, depth + 1)
        if found is None:
            return None
        # Remember the name a Sequential is bound to: its `.add(...)` calls build it.
        return [s if s.name is not None or s.call is not binding.value else ModelSource(s.kind, s.call, s.scope, binding.name, binding.scope) for s in found]
    if binding.kind is BindingKind.OTHER and isinstance(binding.node, cst.Assign):
        # vae, encoder, decoder = build_vae(): one element of a returned tuple.
        for target in binding.node.targets:
            if isinstance(target.target, (cst.Tuple, cst.List)):
                names = [e.value.value if isinstance(e.value, cst.Name) else None for e in target.target.elements]
                if binding.name in names and isinstance(binding.node.value, cst.Call) and not any(isinstance(e, cst.StarredElement) for e in target.target.elements):
                    return _returned_models(ctx, binding.node.value, binding.scope, depth, index=names.index(binding.name), arity=len(names))
        return None
    return None


def _returned_models(ctx: Context, call: cst.Call, scope: Scope, depth: int, index: int | None, arity: int | None = None) -> list[ModelSource] | None:
    """The models a call of a function defined in this file returns."""
    if not isinstance(call.func, cst.Name):
        return None
    bindings = ctx.semantic.lookup(call.func.value, scope)
    if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.FUNCTION:
        return None
    info = ctx.semantic.function_of.get(bindings[0].node)
    if info is None or not info.returns:
        return None
    sources: list[ModelSource] = []
    for ret in info.returns:
        value = ret.value
        if value is None:
            return None
        if index is not None:
            if not isinstance(value, cst.Tuple) or len(value.elements) != arity:
                return None
            element = value.elements[index]
            if isinstance(element, cst.StarredElement):
                return None
            value = element.value
        found = model_sources(ctx, value, info.body_scope, depth + 1)
        if found is None:
            return None
        sources.extend(found)
    return sources


def is_keras_model(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
    return model_sources(ctx, expr, scope) is not None


# -- generators ---------------------------------------------------------------------------------

# Iterator factories of Keras 2's ImageDataGenerator and their default batch size.
_FLOW_METHODS = {"flow": 32, "flow_from_directory": 32, "flow_from_dataframe": 32}


def generator_batch_size(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> tuple[int, cst.BaseExpression | None] | None:
    """The batch size of a Keras 2 data generator (`datagen.flow_from_directory(...,
    batch_size=16)`), when the source proves it: (value, the expression that gave it, or
    None for the method's default)."""
    if not isinstance(expr, cst.Name):
        return None
    bindings = ctx.semantic.lookup(expr.value, scope)
    if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
        return None
    value, value_scope = bindings[0].value, bindings[0].scope
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
        return None
    method = value.func.attr.value
    if method not in _FLOW_METHODS or not _is_image_data_generator(ctx, value.func.value, value_scope):
        return None
    arg = next((a for a in value.args if a.keyword is not None and a.keyword.value == "batch_size"), None)
    if arg is None:
        positional = [a for a in value.args if a.keyword is None and not a.star]
        # flow(x, y=None, batch_size=32, ...): batch_size is the third positional argument.
        if method == "flow" and len(positional) > 2:
            arg = positional[2]
        elif any(a.star for a in value.args):
            return None
    if arg is None:
        return _FLOW_METHODS[method], None
    constant = ctx.constant(arg.value, value_scope)
    if constant is None or not isinstance(constant.value, int) or isinstance(constant.value, bool) or constant.value <= 0 or constant.from_default:
        return None
    return constant.value, arg.value


def _is_image_data_generator(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
    if isinstance(expr, cst.Call):
        name = ctx.keras_name(expr.func, scope)
        return name is not None and name.name == "ImageDataGenerator"
    if isinstance(expr, cst.Name):
        bindings = ctx.semantic.lookup(expr.value, scope)
        if bindings and len(bindings) == 1 and bindings[0].kind is BindingKind.ASSIGN:
            return _is_image_data_generator(ctx, bindings[0].value, bindings[0].scope)
    return False
