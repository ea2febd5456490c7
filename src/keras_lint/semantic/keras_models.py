"""Which expressions are Keras models, and what their last layer is.

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

For a Sequential or functional model built in the file, `last_layer` finds the constructor
call of its output layer (`Sequential([...])`'s last element or last `.add(...)`, `Model(...,
outputs=Dense(...)(x))`) and, from it, the output activation and number of units.
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


@dataclass(frozen=True)
class OutputLayer:
    call: cst.Call | None  # the layer constructor call of the output, when known
    activation: str | None  # e.g. "softmax", "sigmoid", "linear"; None: unknown
    units: int | None  # the output's last dimension, when the source proves it


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


# -- the output layer -------------------------------------------------------------------------


def output_layer(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> OutputLayer | None:
    """The output layer of the model `expr`, when every place it can come from agrees."""
    sources = model_sources(ctx, expr, scope)
    if not sources:
        return None
    results = {_output_of(ctx, source) for source in sources}
    if len(results) != 1:
        # Different models: only their common facts survive.
        activations = {r.activation for r in results}
        units = {r.units for r in results}
        return OutputLayer(None, activations.pop() if len(activations) == 1 else None, units.pop() if len(units) == 1 else None)
    return results.pop()


_UNKNOWN = OutputLayer(None, None, None)


def _output_of(ctx: Context, source: ModelSource) -> OutputLayer:
    if source.kind == "sequential":
        layers = _sequential_layers(ctx, source)
        if not layers:
            return _UNKNOWN
        return _describe(ctx, layers, source.scope)
    if source.kind == "functional":
        return _functional_output(ctx, source)
    return _UNKNOWN


def _sequential_layers(ctx: Context, source: ModelSource) -> list[tuple[cst.Call, Scope]] | None:
    """The layer constructor calls of a Sequential, in order; None when they cannot be known
    (an `.add` inside a loop or a branch, a layer that is not a constructor call)."""
    layers: list[tuple[cst.Call, Scope]] = []
    first = source.call.args[0].value if source.call.args and source.call.args[0].keyword is None else None
    keyword = next((a.value for a in source.call.args if a.keyword is not None and a.keyword.value == "layers"), None)
    initial = first if first is not None else keyword
    if initial is not None:
        if not isinstance(initial, (cst.List, cst.Tuple)):
            return None
        for element in initial.elements:
            if isinstance(element, cst.StarredElement) or not isinstance(element.value, cst.Call):
                return None
            layers.append((element.value, source.scope))
    if source.name is None:
        return layers
    adds = [call for call in ctx.method_calls("add") if isinstance(call.node.func.value, cst.Name) and call.node.func.value.value == source.name
            and _same_binding(ctx, source.name, call.scope, source.name_scope)]
    if not adds:
        return layers
    straight = _straight_line_calls(ctx, source.name_scope)
    for call in adds:
        if id(call.node) not in straight:
            return None
        arg = call.node.args[0].value if call.node.args else None
        if not isinstance(arg, cst.Call):
            return None
        layers.append((arg, call.scope))
    layers_sorted = sorted(layers, key=lambda item: ctx.span(item[0])[0])
    return layers_sorted


def _same_binding(ctx: Context, name: str, scope: Scope, owner: Scope | None) -> bool:
    bindings = ctx.semantic.lookup(name, scope)
    return bool(bindings) and owner is not None and all(b.scope is owner for b in bindings)


def _straight_line_calls(ctx: Context, scope: Scope | None) -> set[int]:
    """Ids of the calls that are whole statements directly in the body of `scope` (not in a
    loop, a branch or a `with`)."""
    if scope is None:
        return set()
    node = scope.node
    body = node.body.body if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock) else (
        node.body if isinstance(node, cst.Module) else ())
    result = set()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    result.add(id(small.value))
    return result


def _functional_output(ctx: Context, source: ModelSource) -> OutputLayer:
    call = source.call
    outputs = next((a.value for a in call.args if a.keyword is not None and a.keyword.value in ("outputs", "output")), None)
    if outputs is None:
        positional = [a for a in call.args if a.keyword is None and not a.star]
        outputs = positional[1].value if len(positional) > 1 else None
    if outputs is None:
        return _UNKNOWN
    chain = _functional_chain(ctx, outputs, source.scope)
    if not chain:
        return _UNKNOWN
    return _describe(ctx, chain, source.scope)


def _functional_chain(ctx: Context, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[tuple[cst.Call, Scope]]:
    """The layers that produce `expr`, the output last: `Activation('softmax')(Dense(3)(x))`
    gives [Dense(3), Activation('softmax')]."""
    if depth > 4:
        return []
    if isinstance(expr, cst.Name):
        bindings = ctx.semantic.lookup(expr.value, scope)
        if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
            return []
        return _functional_chain(ctx, bindings[0].value, bindings[0].scope, depth + 1)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Call) and expr.args:
        inner = _functional_chain(ctx, expr.args[0].value, scope, depth + 1)
        return [*inner, (expr.func, scope)]
    return []


def _describe(ctx: Context, layers: list[tuple[cst.Call, Scope]], scope: Scope) -> OutputLayer:
    """Activation and units of the output: layers that keep their input's last dimension
    (Activation, Dropout, ...) take the units of the layer before them."""
    activation = None
    units = None
    for call, layer_scope in reversed(layers):
        layer_activation, layer_units, keeps_units = _layer_facts(ctx, call, layer_scope)
        if activation is None:
            activation = layer_activation
        if not keeps_units:
            units = layer_units
            break
    return OutputLayer(layers[-1][0], activation, units)


_SHAPE_KEEPING = ("keras.layers.Dropout", "keras.layers.ReLU", "keras.layers.LeakyReLU", "keras.layers.BatchNormalization",
                  "keras.layers.GaussianNoise", "keras.layers.GaussianDropout", "keras.layers.AlphaDropout")
_UNITS_PARAMETER = {"keras.layers.Dense": "units", "keras.layers.Conv1D": "filters", "keras.layers.Conv2D": "filters", "keras.layers.Conv3D": "filters"}


def _layer_facts(ctx: Context, call: cst.Call, scope: Scope) -> tuple[str | None, int | None, bool]:
    """(activation, units, whether the layer keeps its input's last dimension)."""
    name = ctx.keras_name(call.func, scope)
    if name is None:
        return None, None, False
    args = {a.keyword.value: a for a in call.args if a.keyword is not None}
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if name.is_("keras.layers.Activation"):
        arg = args.get("activation") or (positional[0] if positional else None)
        return _activation_value(ctx, arg, scope), None, True
    if name.is_("keras.layers.Softmax"):
        return "softmax", None, True
    if name.is_(*_SHAPE_KEEPING):
        # They do not decide the output's kind: look at the layer before.
        return (name.name.lower() if name.is_("keras.layers.ReLU", "keras.layers.LeakyReLU") else None), None, True
    units_parameter = next((p for path, p in _UNITS_PARAMETER.items() if name.is_(path)), None)
    if units_parameter is None:
        return None, None, False
    units = None
    units_arg = args.get(units_parameter) or (positional[0] if positional else None)
    channels_first = "data_format" in args and ctx.constants.value(args["data_format"].value, scope) != "channels_last"
    if units_arg is not None and not channels_first:
        constant = ctx.constant(units_arg.value, scope)
        if constant is not None and isinstance(constant.value, int) and not isinstance(constant.value, bool) and not constant.from_default:
            units = constant.value
    activation_arg = args.get("activation") or (positional[1] if name.is_("keras.layers.Dense") and len(positional) > 1 else None)
    activation = "linear" if activation_arg is None else _activation_value(ctx, activation_arg, scope)
    return activation, units, False


def _activation_value(ctx: Context, arg: cst.Arg | None, scope: Scope) -> str | None:
    if arg is None:
        return None
    constant = ctx.constant(arg.value, scope)
    if constant is not None:
        if constant.value is None:
            return "linear"
        if isinstance(constant.value, str):
            return constant.value.lower()
        return None
    name = ctx.keras_name(arg.value, scope)
    if name is not None and name.module == "keras.activations":
        return name.name
    return None


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
