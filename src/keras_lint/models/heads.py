"""What a model's outputs compute: the activations applied at the end of each output, and its
number of units.

    from keras_lint.models.heads import output_heads
    for head in output_heads(ctx, model):
        head.activation  # "softmax", "sigmoid", "linear", ... or None when not known
        head.units       # 10, or None

An output's activation can be given in several places: `Dense(10, activation="softmax")`, an
`Activation("softmax")` or `Softmax()` layer after a linear `Dense`, `activation=
keras.activations.softmax`, `activation=tf.nn.softmax`; layers that only drop or perturb values
while training (`Dropout`, `GaussianNoise`, ...) are looked through. The chain of activations
is followed back from the output to the first layer with weights (`Dense`, `Conv2D`, ...); when
it meets anything else (a custom layer, a `Lambda`, a merge, a layer added on a path keras-lint
cannot decide), what comes before is unknown. See docs/models.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_lint.knowledge import keras3
from keras_lint.models.graph import Layer, Model, Tensor
from keras_lint.shapes import UNKNOWN

# Layers whose `activation=` is applied last, to values they compute with their weights.
WEIGHTED_LAYERS = frozenset(
    f"keras.layers.{name}"
    for name in (
        "Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
        "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
    )
)
# Layers that apply an activation and nothing else, with the activation they apply.
ACTIVATION_LAYERS = {
    "keras.layers.Activation": None,  # its `activation` argument
    "keras.layers.Softmax": "softmax",
    "keras.layers.ReLU": "relu",
    "keras.layers.LeakyReLU": "leaky_relu",
    "keras.layers.ELU": "elu",
    "keras.layers.PReLU": "prelu",
}
# Layers that leave values as they are at inference (and keep the shape).
TRANSPARENT_LAYERS = frozenset(
    f"keras.layers.{name}"
    for name in (
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity",
    )
)
# Activation functions outside Keras, by the dotted path they are imported from.
_FOREIGN_ACTIVATIONS = {
    "tensorflow.nn.softmax": "softmax",
    "tensorflow.math.softmax": "softmax",
    "tensorflow.nn.sigmoid": "sigmoid",
    "tensorflow.math.sigmoid": "sigmoid",
    "tensorflow.sigmoid": "sigmoid",
    "tensorflow.nn.relu": "relu",
    "tensorflow.nn.tanh": "tanh",
    "tensorflow.math.tanh": "tanh",
    "tensorflow.tanh": "tanh",
}
_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}
_MAX_CHAIN = 16


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation function applied on the way to an output."""

    name: str | None  # Keras' name for it ("softmax", "sigmoid", "linear", "relu"); None: unknown
    layer: Layer  # the layer that applies it
    own: bool  # True: the `activation=` of a layer with weights (Dense); False: an activation layer
    axis: int | None = -1  # the axis a softmax normalises (None: not known)

    @property
    def argument(self) -> cst.Arg | None:
        """The `activation=` argument as written (None when the default applies, or for a
        `Softmax()`-like layer)."""
        return self.layer.argument_node("activation")


@dataclass(eq=False)
class OutputHead:
    """One output of a model, seen from the loss: what its values are."""

    index: int
    tensor: Tensor | None  # the output tensor (None for a Sequential that is not built)
    layer: Layer | None  # the layer that produces it
    # The activations applied, in order: the `activation=` of the layer with weights first (when
    # the chain reaches one), then each activation layer after it.
    activations: list[Activation] = field(default_factory=list)
    # True when the chain starts at a layer with weights whose activation is known: then
    # `activations` is everything that happens to its values.
    complete: bool = False
    units: int | None = None  # the size of the last axis

    @property
    def name(self) -> str | None:
        """The output's name, as Keras 3 keys per-output losses and metrics."""
        return self.layer.name if self.layer is not None else None

    @property
    def activation(self) -> str | None:
        """The activation that produces the output's values ("linear" when it is the layer's
        own computation), or None when not known."""
        result: str | None = None
        known = self.complete
        for activation in self.activations:
            if activation.own:
                result = activation.name
                known = activation.name is not None
            elif activation.name == "linear":
                continue  # Activation("linear") changes nothing
            else:
                result = activation.name
                known = activation.name is not None
        return result if known else None

    @property
    def final(self) -> Activation | None:
        """The last activation applied that is not an identity, or None."""
        for activation in reversed(self.activations):
            if activation.own or activation.name != "linear":
                return activation
        return None

    @property
    def weighted_layer(self) -> Layer | None:
        """The layer with weights that computes the output's values, when the chain reaches it."""
        if self.activations and self.activations[0].own:
            return self.activations[0].layer
        return None


def _api(layer: Layer) -> str | None:
    if layer.keras_name is None or layer.config is None:
        return None
    return layer.keras_name.api or layer.config.path


def activation_of_expression(ctx, expr: cst.BaseExpression, scope) -> str | None:
    """The activation an expression names: a string, None, `keras.activations.softmax`,
    `keras.ops.sigmoid`, `tf.nn.softmax`."""
    constant = ctx.constant(expr, scope)
    if constant is not None:
        # A parameter's default says nothing about the values the function is called with.
        return None if constant.from_default else _activation_name(constant.value)
    name = ctx.keras_name(expr, scope)
    if name is not None:
        api = name.api or name.path
        module, _, last = api.rpartition(".")
        if module in ("keras.activations", "keras.ops"):
            return _activation_name(last)
        return None
    path = ctx.qualified_name(expr, scope)
    return _FOREIGN_ACTIVATIONS.get(path) if path else None


def _activation_name(value: object) -> str | None:
    if value is None:
        return "linear"
    if not isinstance(value, str):
        return None
    if value not in keras3.identifiers("activations") and value not in _ALIASES:
        return None
    return _ALIASES.get(value, value)


def layer_activation(ctx, layer: Layer) -> str | None:
    """The activation a layer's `activation` argument names (Keras' default when not given)."""
    value = layer.argument("activation")
    if value is not UNKNOWN:
        return _activation_name(value)
    node = layer.argument_node("activation")
    if node is None or layer.call is None:
        return None
    return activation_of_expression(ctx, node.value, layer.call.scope)


def role_of(ctx, layer: Layer) -> tuple[str, str | None, int | None]:
    """("weights" | "activation" | "transparent" | "other", activation, softmax axis)."""
    api = _api(layer)
    if api is None or layer.conditional:
        return "other", None, None
    if api in WEIGHTED_LAYERS:
        return "weights", layer_activation(ctx, layer), -1
    if api in ACTIVATION_LAYERS:
        if api == "keras.layers.Activation":
            return "activation", layer_activation(ctx, layer), -1
        axis = layer.argument("axis", -1) if api == "keras.layers.Softmax" else -1
        axis = axis if isinstance(axis, int) and not isinstance(axis, bool) else None
        return "activation", ACTIVATION_LAYERS[api], axis
    if api in TRANSPARENT_LAYERS:
        return "transparent", None, None
    return "other", None, None


def _previous(model: Model, layer: Layer, tensor: Tensor | None) -> tuple[Layer | None, Tensor | None]:
    """The layer (and tensor) feeding `layer`, when there is exactly one."""
    if model.kind == "sequential":
        layers = model.layers
        for index, candidate in enumerate(layers):
            if candidate is layer:
                return (layers[index - 1], None) if index > 0 else (None, None)
        return None, None
    if tensor is None or tensor.node is None or len(tensor.node.inputs) != 1:
        return None, None
    feeding = tensor.node.inputs[0]
    return feeding.layer, feeding


def activations_up_to(ctx, model: Model, layer: Layer, tensor: Tensor | None = None) -> tuple[list[Activation], bool]:
    """The activations applied up to and including `layer` (whose output is `tensor`, for a
    functional model), and whether the chain reaches a layer with weights of known activation."""
    chain: list[Activation] = []
    current, current_tensor = layer, tensor
    for _ in range(_MAX_CHAIN):
        if current is None:
            return chain, False
        if current.model is not None and current_tensor is not None:
            # A model used as a layer: its own output chain.
            inner = current.model
            if not inner.outputs or len(inner.outputs) != 1 or not inner.output_layers:
                return chain, False
            inner_chain, complete = activations_up_to(ctx, inner, inner.output_layers[0], inner.outputs[0])
            return inner_chain + chain, complete
        role, name, axis = role_of(ctx, current)
        if role == "other":
            return chain, False
        if role == "weights":
            chain.insert(0, Activation(name, current, True, axis))
            return chain, name is not None
        if role == "activation":
            chain.insert(0, Activation(name, current, False, axis))
        current, current_tensor = _previous(model, current, current_tensor)
    return chain, False


def _last_dimension(shape) -> int | None:
    if isinstance(shape, tuple) and shape and isinstance(shape[-1], int) and not isinstance(shape[-1], bool):
        return shape[-1]
    return None


def output_heads(ctx, model: Model) -> list[OutputHead]:
    """One `OutputHead` per output of the model, in Keras' output order."""
    heads: list[OutputHead] = []
    if model.kind == "sequential":
        layers = model.layers
        if not layers:
            return []
        last = layers[-1]
        tensor = model.outputs[0] if len(model.outputs) == 1 and model.outputs[0].layer is last else None
        pairs = [(last, tensor)]
    else:
        pairs = [(t.layer, t) for t in model.outputs]
    for index, (layer, tensor) in enumerate(pairs):
        head = OutputHead(index, tensor, layer)
        if layer is not None:
            head.activations, head.complete = activations_up_to(ctx, model, layer, tensor)
        head.units = _last_dimension(tensor.shape) if tensor is not None else None
        if head.units is None and head.weighted_layer is not None and _api(head.weighted_layer) == "keras.layers.Dense":
            units = head.weighted_layer.argument("units")
            # Every layer after the Dense keeps its last axis.
            if isinstance(units, int) and not isinstance(units, bool) and units > 0:
                head.units = units
        heads.append(head)
    return heads
