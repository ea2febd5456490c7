"""The objects a model is made of, as keras-lint reads them from source: tensors, layers, the
nodes where a layer is called, and models with the calls made on them.

They mirror Keras' own structure (`Layer._inbound_nodes`, `KerasTensor._keras_history`,
`Functional._operations`) closely enough that a summary lists the same layers in the same order.
See docs/models.md for the API rules build on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from keras_lint.semantic.names import KerasName
from keras_lint.shapes import UNKNOWN, LayerConfig, Shape, ShapeError, Unknown

if TYPE_CHECKING:
    from keras_lint.context import Call


class Value:
    """Anything the interpreter can hold in a variable (see models/values.py)."""


@dataclass(eq=False)
class Tensor(Value):
    """A symbolic tensor: what `keras.Input(...)` or a layer call returns."""

    shape: Shape
    node: Node | None = field(default=None, repr=False)  # the node that produced it (None: not from a known layer)
    index: int = 0  # which of the node's outputs it is

    @property
    def layer(self) -> Layer | None:
        """The layer that produced this tensor."""
        return self.node.layer if self.node is not None else None


@dataclass(eq=False)
class Node:
    """One call of a layer on tensors (Keras' `Node`)."""

    layer: Layer = field(repr=False)
    inputs: list[Tensor] = field(repr=False)  # the input tensors, flattened
    outputs: list[Tensor]
    call: cst.Call | None = field(default=None, repr=False)  # the call in the source (`Dense(3)(x)`)
    error: ShapeError | None = None
    input_shapes: object = UNKNOWN  # the shape structure the layer saw: a shape or a list
    owner: Model | None = field(default=None, repr=False)  # the Sequential model that made this node, if any
    # For a Sequential's layer: the call that made Keras build the model then (the
    # `Sequential([...])`, `model.add(...)`, `model.build(...)` or `model(x)` call).
    trigger: cst.CSTNode | None = field(default=None, repr=False)

    @property
    def is_input(self) -> bool:
        return self.layer.class_name == "InputLayer"

    @property
    def output_shapes(self) -> list[Shape]:
        return [t.shape for t in self.outputs]


_SNAKE_1 = re.compile(r"(.)([A-Z][a-z]+)")
_SNAKE_2 = re.compile(r"([a-z])([A-Z])")


@functools.lru_cache(maxsize=1024)
def snake_case(name: str) -> str:
    """Keras' `to_snake_case`: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub(r"\W+", "", name)
    name = _SNAKE_1.sub(r"\1_\2", name)
    return _SNAKE_2.sub(r"\1_\2", name).lower()


@dataclass(eq=False)
class Layer(Value):
    """A layer object: where it was created, its resolved class and arguments, its calls."""

    class_name: str  # what Keras' summary shows: "Conv2D", "InputLayer", "Sequential", "Functional"
    name: str  # the Keras layer name: `name=` or the automatic one ("conv2d_1")
    keras_name: KerasName | None = field(default=None, repr=False)  # the resolved Keras class (None for a nested model)
    config: LayerConfig | None = field(default=None, repr=False)  # arguments as constants (None: not a known Keras layer)
    call: Call | None = field(default=None, repr=False)  # the constructor call in the source
    nodes: list[Node] = field(default_factory=list, repr=False)
    trainable_params: int | Unknown = UNKNOWN
    non_trainable_params: int | Unknown = UNKNOWN
    built: bool = False
    build_shapes: object = UNKNOWN  # the input shape(s) of its first call
    trainable: bool | Unknown = True  # `layer.trainable = False` after construction
    model: Model | None = field(default=None, repr=False)  # set when this layer is a model used as a layer
    # Set when the source builds this layer only on some paths (inside an `if` keras-lint
    # cannot decide): shapes after it are unknown.
    conditional: bool = False
    # An InputLayer's tensor, and the argument its shape came from (`shape=` of `Input`, or
    # `input_shape=` of the first layer of a Sequential).
    output_tensor: Tensor | None = field(default=None, repr=False)
    shape_argument: cst.Arg | None = field(default=None, repr=False)

    # -- what rules ask ---------------------------------------------------------------------

    def argument(self, name: str, default: object = UNKNOWN) -> object:
        """The constant value of a constructor argument (Keras' default if not passed), or
        UNKNOWN when the source does not prove it."""
        if self.config is None:
            return default
        return self.config.get(name, default)

    def argument_node(self, name: str) -> cst.Arg | None:
        """The argument as written in the constructor call, if it was passed (by keyword, or by
        position following Keras 3's signature)."""
        if self.call is None or self.keras_name is None:
            return None
        arg = self.call.keyword(name)
        if arg is not None:
            return arg
        from keras_lint.knowledge import keras3

        signature = keras3.signature(self.keras_name.api or self.keras_name.path)
        if signature is None:
            return None
        names = signature.positional_names()
        if name in names:
            return self.call.positional_arg(names.index(name))
        return None

    def given(self, name: str) -> bool:
        return self.config is not None and name in self.config.given

    @property
    def input_shape_keyword(self) -> str | None:
        """`input_shape` or `input_dim` when the constructor was given one of Layer's own
        shape keywords (not a parameter of the same name, like Embedding's `input_dim`)."""
        if self.config is None or self.keras_name is None:
            return None
        if "input_shape" not in self.config.given and "input_dim" not in self.config.given:
            return None
        from keras_lint.shapes.config import signature_facts

        facts = signature_facts(self.config.path)
        own = facts.keywords if facts is not None else frozenset()
        for keyword in ("input_shape", "input_dim"):
            if keyword in self.config.given and keyword not in own:
                return keyword
        return None

    @property
    def input_shape(self) -> object:
        """The shape (or list of shapes) of the first call's input."""
        return self.nodes[0].input_shapes if self.nodes else UNKNOWN

    @property
    def output_shape(self) -> object:
        """The shape of the first call's output (a list when the layer returns several)."""
        if not self.nodes:
            if self.output_tensor is not None:
                return self.output_tensor.shape
            return UNKNOWN
        shapes = self.nodes[0].output_shapes
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def params(self) -> int | Unknown:
        """Its parameter count (trainable and not)."""
        return _add(*self.weights())

    def weights(self) -> tuple[int | Unknown, int | Unknown]:
        """(trainable, non-trainable) parameter counts, after `layer.trainable = False`."""
        if self.model is not None:
            trainable, frozen = self.model.weights()
        else:
            trainable, frozen = self.trainable_params, self.non_trainable_params
        if self.trainable is False:
            return 0, _add(trainable, frozen)
        if self.trainable is UNKNOWN:
            total = _add(trainable, frozen)
            return (UNKNOWN, UNKNOWN) if trainable != 0 else (0, total)
        return trainable, frozen


def _add(a, b):
    return UNKNOWN if a is UNKNOWN or b is UNKNOWN else a + b


@dataclass(eq=False)
class BuildUnit:
    """Where a model is built: a function (`def unet(...)`) or the module itself."""

    node: cst.FunctionDef | cst.Module = field(repr=False)
    name: str | None  # the function's name; None for the module

    @property
    def is_module(self) -> bool:
        return isinstance(self.node, cst.Module)


@dataclass(eq=False)
class MethodCall:
    """A call on a model: `model.compile(...)`, `model.fit(x, y, batch_size=32)`, ..."""

    method: str
    call: Call = field(repr=False)
    # The arguments by Keras 3 parameter name, as the interpreter evaluated them (constants,
    # arrays of known shape, tensors, ...). Unknown values are UNKNOWN_VALUE.
    values: dict[str, Value] = field(default_factory=dict, repr=False)
    model: Model | None = field(default=None, repr=False)  # the model instance the call was made on

    def argument(self, name: str) -> cst.Arg | None:
        from keras_lint.knowledge import keras3

        signature = keras3.signature(f"keras.Model.{self.method}")
        position = None
        if signature is not None and name in signature.positional_names():
            position = signature.positional_names().index(name)
        return self.call.argument(name, position)

    def value(self, name: str) -> Value | None:
        return self.values.get(name)


@dataclass(eq=False)
class Model(Value):
    """A Sequential or functional model found in the source."""

    kind: str  # "sequential" | "functional"
    name: str  # the Keras model name: `name=` or "sequential", "functional_1", ...
    call: Call | None = field(repr=False)  # the `Sequential(...)` / `Model(...)` call
    unit: BuildUnit
    layer: Layer = field(default=None, repr=False)  # the model used as a layer (its row in an enclosing model's summary)
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)
    # Sequential: the layers as added (InputLayer first when there is one).
    stack: list[Layer] = field(default_factory=list, repr=False)
    # Functional: the layers in Keras' order (`Functional._operations`).
    graph_layers: list[Layer] = field(default_factory=list, repr=False)
    # Whether every layer of the model is known (False when a list of layers, an input or an
    # output could not be followed).
    complete: bool = True
    variable: str | None = None  # the name the model is first bound to
    method_calls: list[MethodCall] = field(default_factory=list, repr=False)
    trainable: bool | Unknown = True

    # -- layers and shapes --------------------------------------------------------------------

    @property
    def layers(self) -> list[Layer]:
        """`model.layers` as Keras gives it (a Sequential hides its InputLayer)."""
        if self.kind == "sequential":
            return [layer for layer in self.stack if layer.class_name != "InputLayer"]
        return list(self.graph_layers)

    @property
    def output_layers(self) -> list[Layer]:
        """The layers that produce the model's outputs (for a Sequential, its last layer)."""
        if self.kind == "sequential":
            layers = self.layers
            return layers[-1:] if layers else []
        return [t.layer for t in self.outputs if t.layer is not None]

    @property
    def input_shapes(self) -> list[Shape]:
        return [t.shape for t in self.inputs]

    @property
    def output_shapes(self) -> list[Shape]:
        if self.kind == "sequential" and not self.outputs:
            return [UNKNOWN]
        return [t.shape for t in self.outputs]

    @property
    def built(self) -> bool:
        return bool(self.inputs)

    def weights(self) -> tuple[int | Unknown, int | Unknown]:
        """(trainable, non-trainable) totals over the model's unique layers."""
        trainable: int | Unknown = 0
        frozen: int | Unknown = 0
        seen: set[int] = set()
        for layer in self.layers:
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            t, n = layer.weights()
            trainable, frozen = _add(trainable, t), _add(frozen, n)
        if not self.complete:
            trainable, frozen = UNKNOWN, UNKNOWN
        if self.trainable is False:
            return 0, _add(trainable, frozen)
        return trainable, frozen

    @property
    def total_params(self) -> int | Unknown:
        return _add(*self.weights())

    def nodes(self) -> Iterator[Node]:
        for layer in self.layers:
            for node in layer.nodes:
                if self.kind == "sequential" and node.owner is not self:
                    continue
                yield node

    # -- calls made on the model ------------------------------------------------------------

    def calls(self, *methods: str) -> list[MethodCall]:
        return [m for m in self.method_calls if not methods or m.method in methods]

    @property
    def compile_call(self) -> MethodCall | None:
        calls = self.calls("compile")
        return calls[-1] if calls else None

    @property
    def fit_calls(self) -> list[MethodCall]:
        return self.calls("fit", "fit_generator", "train_on_batch")

    @property
    def predict_calls(self) -> list[MethodCall]:
        return self.calls("predict", "predict_on_batch", "predict_generator")

    @property
    def evaluate_calls(self) -> list[MethodCall]:
        return self.calls("evaluate", "evaluate_generator", "test_on_batch")
