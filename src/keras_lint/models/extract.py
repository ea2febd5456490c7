"""Find every model in a file by running its model-building code abstractly.

The abstract interpreter (models/interpreter.py) runs the module, then every function with its
default parameter values. This module gives its values their Keras meaning: `keras.Input(...)`
makes a tensor, a layer class a layer, calling a layer on tensors a node whose output shapes the
shape functions compute (models/../shapes/), `Sequential(...)`/`Model(...)` a model, NumPy
calls arrays of known shape. A layer added to a model on an undecided path makes the shapes
after it unknown. Nothing runs; nothing is guessed.
"""

from __future__ import annotations

import functools
import traceback
from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.knowledge import keras3, legacy
from keras_lint.models.functional import layers_in_graph
from keras_lint.models.graph import BuildUnit, Layer, MethodCall, Model, Node, Tensor, Value, snake_case
from keras_lint.models.interpreter import (
    MAX_STEPS,
    Frame,
    OutOfBudget,
    constant_of,
    sequence_items,
    statements_of,
)
from keras_lint.models.interpreter import Interpreter as BaseInterpreter
from keras_lint.models.labels import dataset, dtype_of, one_hot, with_dtype
from keras_lint.models.values import OPAQUE, Array, Const, Image, Mapping, Method, OneHot, Ref, Seq
from keras_lint.semantic.model import Scope
from keras_lint.semantic.names import KerasName
from keras_lint.shapes import (
    CHANNELS_LAST,
    SHAPE_PRESERVING,
    UNKNOWN,
    CallInputs,
    InvalidLayer,
    LayerConfig,
    LayerResult,
    ShapeError,
    infer,
)

_INPUT_FUNCTIONS = ("keras.Input", "keras.layers.Input")
_INPUT_LAYER = "keras.layers.InputLayer"
_SEQUENTIAL = ("keras.Sequential", "keras.models.Sequential")
_MODEL = ("keras.Model", "keras.models.Model", "keras.src.models.Functional", "keras.src.models.functional.Functional")
_MERGE_FUNCTIONS = {
    "keras.layers.concatenate": "keras.layers.Concatenate",
    "keras.layers.add": "keras.layers.Add",
    "keras.layers.subtract": "keras.layers.Subtract",
    "keras.layers.multiply": "keras.layers.Multiply",
    "keras.layers.average": "keras.layers.Average",
    "keras.layers.maximum": "keras.layers.Maximum",
    "keras.layers.minimum": "keras.layers.Minimum",
    "keras.layers.dot": "keras.layers.Dot",
}
_DATA_FORMAT_GETTERS = ("keras.config.image_data_format", "keras.backend.image_data_format")
_DATA_FORMAT_SETTERS = ("set_image_data_format", "set_image_dim_ordering")
_DATA_FORMAT_VALUES = {"channels_last": "channels_last", "channels_first": "channels_first", "tf": "channels_last", "th": "channels_first"}
_MODEL_METHODS = frozenset(
    {
        "compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
        "fit_generator", "evaluate_generator", "predict_generator", "summary", "save", "save_weights",
        "load_weights", "to_json",
        # Removed in tf.keras 2.6; KRS405 reads the model they are called on.
        "predict_classes", "predict_proba",
    }
)
# The call arguments of layers whose call takes more than one tensor.
_RNN_CALL = ("sequences", "initial_state", "mask", "training")
_CALL_PARAMETERS = {
    "keras.layers.MultiHeadAttention": (
        "query", "value", "key", "query_mask", "value_mask", "key_mask", "attention_mask",
        "return_attention_scores", "training", "use_causal_mask",
    ),
    "keras.layers.Attention": ("inputs", "mask", "return_attention_scores", "training", "use_causal_mask"),
    "keras.layers.LSTM": _RNN_CALL,
    "keras.layers.GRU": _RNN_CALL,
    "keras.layers.SimpleRNN": _RNN_CALL,
    "keras.layers.Bidirectional": _RNN_CALL,
}
_DEFAULT_CALL = ("inputs",)
# Layers whose weights are checked against their input again on every call (Keras' InputSpec
# `axes`): a shared one called on a different size fails.
# Layers whose InputSpec fixes the rank once built.
_RANK_FIXED_AFTER_BUILD = frozenset({"BatchNormalization", "PReLU"})
AXES_CHECKED = frozenset(
    {
        "Dense", "BatchNormalization", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
        "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
    }
)


@dataclass
class IgnoredInputShape:
    """`input_shape=`/`input_dim=` on a layer Keras 3 does not take it from."""

    layer: Layer
    model: Model | None  # the Sequential it is not the first layer of; None for a functional call
    node: Node | None = None


@dataclass
class Extraction:
    """What the interpreter found in one file."""

    units: list[BuildUnit] = field(default_factory=list)
    # One model per `Sequential(...)` / `Model(...)` call: the one built with the defaults of
    # its function's parameters (or, when those leave it unknown and the function is called
    # once with known arguments, the one built by that call).
    models: list[Model] = field(default_factory=list)
    # Every model object built, in every evaluation (a function called twice builds twice).
    instances: list[Model] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    ignored_input_shapes: list[IgnoredInputShape] = field(default_factory=list)
    # Constructor calls whose `input_shape=` did give a Sequential its input (somewhere).
    first_layer_calls: set[int] = field(default_factory=set)
    method_calls: list[MethodCall] = field(default_factory=list)
    # Whether the code changes Keras' image data format (then data_format=None is unknown).
    image_data_format: object = CHANNELS_LAST
    complete: bool = True  # False when the time budget ran out
    failures: list[str] = field(default_factory=list)  # interpreter bugs met (tracebacks)

    def errors(self) -> list[Node]:
        return [node for node in self.nodes if node.error is not None]

    def unit_at(self, offset: int, ctx: Context) -> BuildUnit | None:
        """The innermost model-building function containing a source offset (or the module)."""
        best = None
        for unit in self.units:
            start, end = ctx.span(unit.node)
            if start <= offset <= end and (best is None or ctx.span(best.node)[0] <= start):
                best = unit
        return best


class _NameCounter:
    """Keras' automatic layer names (`dense`, `dense_1`, ...) within one model-building run."""

    def __init__(self):
        self.counts: dict[str, int] = defaultdict(int)

    def auto(self, class_name: str) -> str:
        base = snake_case(class_name)
        count = self.counts[base]
        self.counts[base] += 1
        return base if count == 0 else f"{base}_{count}"


def _config_value(value):
    """What a layer config holds for an argument value."""
    if isinstance(value, Layer):
        return value.config if value.config is not None and value.model is None else UNKNOWN
    if isinstance(value, Seq):
        items = [_config_value(i) for i in value.items]
        return tuple(items) if value.is_tuple else list(items)
    if isinstance(value, Const):
        return value.value
    return UNKNOWN

def _shape_of(value):
    """The shape structure of a call's main input: a shape, a list of shapes, or UNKNOWN."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, Seq):
        shapes = [_shape_of(i) for i in value.items]
        return shapes
    return UNKNOWN

def _tensors_in(value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq):
        return [t for item in value.items for t in _tensors_in(item)]
    if isinstance(value, Mapping):
        return [t for item in value.items.values() for t in _tensors_in(item)]
    return []

def _input_tensors(value) -> list[Tensor]:
    """A call's input tensors; something that is not a known tensor becomes a tensor with no
    known origin, so that a model built on it is known to be incomplete."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq):
        return [t for item in value.items for t in _input_tensors(item)]
    return [Tensor(UNKNOWN)]

class Interpreter(BaseInterpreter):
    """Runs the file and builds its models (see the module docstring)."""

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.result = Extraction()
        self.calls_by_node = {id(c.node): c for c in ctx.calls}
        self.units: dict[int, BuildUnit] = {}
        self.home_by_call: dict[int, list[Model]] = defaultdict(list)
        self.inline_by_call: dict[int, list[Model]] = defaultdict(list)
        self.result.image_data_format = self._image_data_format()


    # -- driver -------------------------------------------------------------------------------

    def run(self) -> Extraction:
        module = self.ctx.module
        module_unit = self._unit(module, None)
        frame = Frame(self.semantic.module_scope, module_unit, _NameCounter(), home=True)
        self.module_frame = frame
        self._guarded(lambda: self.exec_block(statements_of(module), frame))
        for info in self.semantic.functions:
            if self.steps > MAX_STEPS:
                self.result.complete = False
                break
            self._guarded(lambda info=info: self.run_function_home(info))
        self._choose_models()
        return self.result

    def _guarded(self, action) -> None:
        try:
            action()
        except (OutOfBudget, RecursionError):
            self.result.complete = False
        except Exception:  # a bug here must cost the user one function's models, not the file
            self.result.complete = False
            self.result.failures.append(traceback.format_exc(limit=8))

    def _unit(self, node, name) -> BuildUnit:
        unit = self.units.get(id(node))
        if unit is None:
            unit = BuildUnit(node, name)
            self.units[id(node)] = unit
            self.result.units.append(unit)
        return unit

    def run_function_home(self, info) -> None:
        frame = Frame(info.body_scope, self._unit(info.node, info.node.name.value), _NameCounter(), home=True, parent=self.module_frame, isolated=True)
        params = info.node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            name = param.name.value
            if param.default is not None:
                frame.env[name] = self.eval(param.default, self.module_frame if info.scope.kind.value == "module" else self._bare_frame(info.scope))
            else:
                frame.env[name] = OPAQUE
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                frame.env[star.name.value] = OPAQUE
        self.stack.append(info.node)
        try:
            self.exec_block(statements_of(info.node.body), frame)
        finally:
            self.stack.pop()

    def _bare_frame(self, scope: Scope) -> Frame:
        return Frame(scope, self.module_frame.unit, _NameCounter(), home=False, parent=self.module_frame, isolated=True)

    def _choose_models(self) -> None:
        for key, homes in self.home_by_call.items():
            chosen = homes[0]
            inline = self.inline_by_call.get(key, [])
            if len(inline) == 1 and not _fully_known(chosen) and _fully_known(inline[0]):
                chosen = inline[0]
            self.result.models.append(chosen)
        for key, inline in self.inline_by_call.items():
            if key not in self.home_by_call and inline:
                self.result.models.append(inline[0])
        # Calls made on another instance of the same model-building call count for it too.
        by_call: dict[int, Model] = {id(m.call.node): m for m in self.result.models if m.call is not None}
        for model in self.result.instances:
            if model.call is None:
                continue
            chosen = by_call.get(id(model.call.node))
            if chosen is not None and chosen is not model:
                chosen.method_calls.extend(model.method_calls)
        for model in self.result.models:
            unique: dict[int, MethodCall] = {}
            for method_call in model.method_calls:
                unique.setdefault(id(method_call.call.node), method_call)
            model.method_calls = list(unique.values())
        order = {id(n): i for i, n in enumerate(c.node for c in self.ctx.calls)}
        self.result.models.sort(key=lambda m: order.get(id(m.call.node), 0) if m.call is not None else 0)

    def _image_data_format(self):
        """"channels_last" (Keras' default) unless the file changes it; the value it sets when
        every change is a module-level call with the same constant; else UNKNOWN."""
        found = set()
        for call in self.ctx.calls:
            func = call.node.func
            attr = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if attr not in _DATA_FORMAT_SETTERS:
                continue
            argument = call.node.args[0].value if len(call.node.args) == 1 else None
            constant = self.ctx.constant(argument, call.scope) if argument is not None else None
            value = _DATA_FORMAT_VALUES.get(constant.value) if constant is not None and isinstance(constant.value, str) else None
            if value is None or call.scope is not self.semantic.module_scope:
                return UNKNOWN
            found.add(value)
        if len(found) > 1:
            return UNKNOWN
        return found.pop() if found else CHANNELS_LAST

    def call_of(self, node: cst.Call, frame: Frame) -> Call:
        call = self.calls_by_node.get(id(node))
        if call is None:
            call = Call(node, frame.scope, None)
        return call

    def _shape_value(self, shape) -> Value:
        if not isinstance(shape, tuple):
            return OPAQUE
        return self._sequence([OPAQUE if d is UNKNOWN else Const(d) for d in shape], True)

    def _model_attribute(self, model: Model, attr: str) -> Value:
        if attr in ("output", "outputs"):
            tensors = list(model.outputs)
            if not tensors:
                return OPAQUE
            if attr == "output":
                return tensors[0] if len(tensors) == 1 else Seq(tensors)
            return Seq(tensors)
        if attr in ("input", "inputs"):
            tensors = list(model.inputs)
            if not tensors:
                return OPAQUE
            if attr == "input":
                return tensors[0] if len(tensors) == 1 else Seq(tensors)
            return Seq(tensors)
        if attr == "layers":
            return Seq(list(model.layers)) if model.complete else OPAQUE
        if attr == "output_shape":
            shapes = model.output_shapes
            return self._shape_value(shapes[0]) if len(shapes) == 1 else OPAQUE
        if attr == "input_shape":
            shapes = model.input_shapes
            return self._shape_value(shapes[0]) if len(shapes) == 1 else OPAQUE
        return Method(model, attr)

    def _array_subscript(self, base: Array, node: cst.Subscript, frame: Frame) -> Value:
        """`x[np.newaxis, ...]`, `x[None]`, `x[:, :, 0]`-free indexing that only adds axes."""
        shape = list(base.shape)
        result: list = []
        position = 0
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                value = index.value
                if isinstance(value, cst.Name) and value.value == "None" or self._is_newaxis(value, frame):
                    result.append(1)
                    continue
                if isinstance(value, cst.Ellipsis):
                    remaining = len(node.slice) - len(result) - 1
                    rest = shape[position:]
                    keep = len(rest) - max(0, sum(1 for e in node.slice[node.slice.index(element) + 1 :] if not self._adds_axis(e, frame)))
                    result.extend(rest[:keep])
                    position += keep
                    del remaining
                    continue
                return OPAQUE
            if isinstance(index, cst.Slice) and index.lower is None and index.upper is None and index.step is None:
                if position >= len(shape):
                    return OPAQUE
                result.append(shape[position])
                position += 1
                continue
            return OPAQUE
        result.extend(shape[position:])
        return Array(tuple(result), base.origin, node, single=False)

    def _adds_axis(self, element, frame) -> bool:
        index = element.slice
        return isinstance(index, cst.Index) and (isinstance(index.value, cst.Name) and index.value.value == "None" or self._is_newaxis(index.value, frame))

    def _is_newaxis(self, node, frame) -> bool:
        if not isinstance(node, cst.Attribute):
            return False
        return self.ctx.qualified_name(node, frame.scope) == "numpy.newaxis"

    # -- Keras and NumPy ------------------------------------------------------------------

    def call_ref(self, ref: Ref, node: cst.Call, positional: list, keywords: dict, unknown_star: bool, frame: Frame) -> Value:
        name = ref.keras
        if name is not None:
            return self.call_keras(name, node, positional, keywords, unknown_star, frame)
        path = ref.path
        if path.startswith("numpy."):
            function = path[len("numpy.") :]
            return with_dtype(self.call_numpy(function, node, positional, keywords), function, positional, keywords)
        if path.startswith("builtins."):
            return self._builtin(path[len("builtins.") :], positional)
        return OPAQUE

    def call_keras(self, name: KerasName, node: cst.Call, positional: list, keywords: dict, unknown_star: bool, frame: Frame) -> Value:
        api = name.api or name.path
        if api in _INPUT_FUNCTIONS:
            return self.make_input(name, node, positional, keywords, unknown_star, frame)
        if api == _INPUT_LAYER:
            return self.make_input_layer(name, node, positional, keywords, unknown_star, frame)
        if api in _SEQUENTIAL:
            return self.make_sequential(node, positional, keywords, unknown_star, frame)
        if api in _MODEL:
            return self.make_functional(node, positional, keywords, unknown_star, frame)
        if api in _MERGE_FUNCTIONS:
            return self.merge_function(name, _MERGE_FUNCTIONS[api], node, positional, keywords, unknown_star, frame)
        if name.path in ("keras.layers.merge", "keras.layers.Merge"):
            return self.legacy_merge(name, node, positional, keywords, unknown_star, frame)
        if api in _DATA_FORMAT_GETTERS:
            data_format = self.result.image_data_format
            return Const(data_format) if data_format is not UNKNOWN else OPAQUE
        last = name.name
        if last == "int_shape" or api == "keras.ops.shape":
            return self._shape_value(positional[0].shape) if positional and isinstance(positional[0], Tensor) else OPAQUE
        if last == "to_categorical" and name.path.startswith("keras.utils."):
            return one_hot(node, positional, keywords)
        if api.startswith("keras.datasets.") and last == "load_data":
            return dataset(api, node) or OPAQUE
        if last == "load_img":
            return self._load_img(positional, keywords)
        if last == "img_to_array":
            return self._img_to_array(node, positional, keywords)
        if last == "preprocess_input" and name.path.startswith("keras.applications."):
            value = positional[0] if positional else keywords.get("x", OPAQUE)
            return Array(value.shape, value.origin, node, value.single) if isinstance(value, Array) else OPAQUE
        if self._is_layer_class(api):
            return self.make_layer(name, api, node, positional, keywords, unknown_star, frame)
        return OPAQUE

    @staticmethod
    @functools.lru_cache(maxsize=2048)
    def _is_layer_class(api: str) -> bool:
        module, _, last = api.rpartition(".")
        return module == "keras.layers" and last[:1].isupper() and keras3.signature(api) is not None

    def _name_for(self, keywords: dict, class_name: str, frame: Frame) -> str:
        given = keywords.get("name")
        if isinstance(given, Const) and isinstance(given.value, str):
            return given.value
        return frame.names.auto(class_name)

    def _register_layer(self, layer: Layer, frame: Frame) -> Layer:
        if frame.uncertain:
            layer.conditional = True
        self.result.layers.append(layer)
        return layer

    def make_layer(self, name: KerasName, api: str, node: cst.Call, positional: list, keywords: dict, unknown_star: bool, frame: Frame) -> Layer:
        class_name = api.rsplit(".", 1)[-1]
        if unknown_star:
            config = LayerConfig(api, {}, frozenset(), self.result.image_data_format, invalid=None)
            config.values = {p.name: UNKNOWN for p in (keras3.signature(api).params if keras3.signature(api) else ())}
        else:
            config = LayerConfig.from_arguments(
                api,
                [_config_value(v) for v in positional],
                {k: _config_value(v) for k, v in keywords.items()},
                image_data_format=self.result.image_data_format,
            )
        layer = Layer(class_name, self._name_for(keywords, class_name, frame), name, config, self.call_of(node, frame))
        return self._register_layer(layer, frame)

    def _input_shape(self, shape_value, batch_size_value=None, batch_shape_value=None):
        """The tensor shape an Input/InputLayer describes, or UNKNOWN."""
        batch_shape = constant_of(batch_shape_value) if batch_shape_value is not None else None
        if batch_shape not in (None, UNKNOWN):
            if isinstance(batch_shape, (tuple, list)) and all(d is None or d is UNKNOWN or (isinstance(d, int) and not isinstance(d, bool)) for d in batch_shape):
                return tuple(batch_shape)
            return UNKNOWN
        if batch_shape is UNKNOWN:
            return UNKNOWN
        shape = constant_of(shape_value) if shape_value is not None else None
        if shape is None or shape is UNKNOWN:
            return UNKNOWN
        if isinstance(shape, int) and not isinstance(shape, bool):
            return UNKNOWN  # `shape=12`: Keras refuses it (KRS101 says so)
        if not isinstance(shape, (tuple, list)):
            return UNKNOWN
        if not all(d is None or d is UNKNOWN or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in shape):
            return UNKNOWN
        batch = constant_of(batch_size_value) if batch_size_value is not None else None
        if batch is not None and not isinstance(batch, int):
            batch = UNKNOWN
        return (batch, *shape)

    def _new_input_layer(self, shape, name: str, keras: KerasName | None, call: Call | None, argument, frame: Frame) -> Layer:
        layer = Layer("InputLayer", name, keras, None, call)
        layer.built = True
        layer.trainable_params = 0
        layer.non_trainable_params = 0
        tensor = Tensor(shape)
        node = Node(layer, [], [tensor], call.node if call is not None else None, None, shape)
        tensor.node = node
        layer.nodes.append(node)
        layer.output_tensor = tensor
        layer.shape_argument = argument
        return self._register_layer(layer, frame)

    def make_input(self, name, node, positional, keywords, unknown_star, frame) -> Value:
        if unknown_star or constant_of(keywords.get("tensor", Const(None))) is not None:
            return Tensor(UNKNOWN)
        call = self.call_of(node, frame)
        shape_value = positional[0] if positional else keywords.get("shape")
        batch_size = positional[1] if len(positional) > 1 else keywords.get("batch_size")
        shape = self._input_shape(shape_value, batch_size, keywords.get("batch_shape"))
        argument = call.argument("shape", 0) or call.keyword("batch_shape")
        layer_name = keywords.get("name")
        name_text = layer_name.value if isinstance(layer_name, Const) and isinstance(layer_name.value, str) else frame.names.auto("InputLayer")
        layer = self._new_input_layer(shape, name_text, name, call, argument, frame)
        return layer.output_tensor

    def make_input_layer(self, name, node, positional, keywords, unknown_star, frame) -> Value:
        call = self.call_of(node, frame)
        if unknown_star:
            shape = UNKNOWN
        else:
            shape_value = positional[0] if positional else keywords.get("shape", keywords.get("input_shape"))
            batch_shape = keywords.get("batch_shape", keywords.get("batch_input_shape"))
            shape = self._input_shape(shape_value, keywords.get("batch_size"), batch_shape)
        argument = call.argument("shape", 0) or call.keyword("input_shape") or call.keyword("batch_shape") or call.keyword("batch_input_shape")
        return self._new_input_layer(shape, self._name_for(keywords, "InputLayer", frame), name, call, argument, frame)

    # -- applying layers -----------------------------------------------------------------------

    def apply_layer(self, layer: Layer, node: cst.Call | None, positional: list, keywords: dict, frame: Frame, owner: Model | None = None) -> Value:
        if layer.model is not None:
            return self.apply_model(layer.model, node, positional, keywords, frame)
        if layer.class_name == "InputLayer" or layer.config is None:
            return Tensor(UNKNOWN) if layer.config is None and layer.class_name != "InputLayer" else OPAQUE
        api = layer.config.path
        parameters = _CALL_PARAMETERS.get(api, _DEFAULT_CALL)
        values: dict = {}
        for index, value in enumerate(positional):
            if index < len(parameters):
                values[parameters[index]] = value
        values.update(keywords)
        main = values.get(parameters[0], OPAQUE)
        extra = {}
        for key, value in values.items():
            if key == parameters[0]:
                continue
            extra[key] = value.shape if isinstance(value, Tensor) else constant_of(value) if isinstance(value, (Const, Seq)) else UNKNOWN
        main_shapes = _shape_of(main)
        inputs = _input_tensors(main) + [t for key, v in values.items() if key != parameters[0] for t in _tensors_in(v)]
        error = None
        try:
            result = infer(layer.config, CallInputs(main_shapes, extra))
            if layer.built:
                result = self._recheck_shared(layer, result, main_shapes)
        except ShapeError as exc:
            error = exc
            result = LayerResult(UNKNOWN, UNKNOWN, UNKNOWN)
        except InvalidLayer:
            result = LayerResult(UNKNOWN, UNKNOWN, UNKNOWN)
        except (OutOfBudget, RecursionError):
            raise
        except Exception:  # a shape function bug must not cost the user the rest of the file
            result = LayerResult(UNKNOWN, UNKNOWN, UNKNOWN)
        output = result.output
        if layer.conditional:
            output = UNKNOWN if not isinstance(output, list) else [UNKNOWN] * len(output)
        if isinstance(output, list):
            tensors = [Tensor(shape) for shape in output]
        else:
            tensors = [Tensor(output)]
        graph_node = Node(layer, inputs, tensors, node, error, main_shapes, owner)
        for index, tensor in enumerate(tensors):
            tensor.node, tensor.index = graph_node, index
        layer.nodes.append(graph_node)
        self.result.nodes.append(graph_node)
        if not layer.built and error is None:
            if layer.class_name == "MultiHeadAttention" and result.output is not UNKNOWN:
                # Its build creates an unnamed Softmax and Dropout: Keras counts their names.
                frame.names.auto("Softmax")
                frame.names.auto("Dropout")
            layer.built = True
            layer.build_shapes = main_shapes
            layer.trainable_params = result.trainable
            layer.non_trainable_params = result.non_trainable
        if error is None and owner is None and layer.input_shape_keyword is not None:
            self.result.ignored_input_shapes.append(IgnoredInputShape(layer, None, graph_node))
        if isinstance(output, list):
            return Seq(list(tensors))
        return tensors[0]

    def _recheck_shared(self, layer: Layer, result: LayerResult, shapes) -> LayerResult:
        """A layer called a second time keeps the weights of its first call."""
        same_weights = result.trainable == layer.trainable_params and result.non_trainable == layer.non_trainable_params
        built, now = layer.build_shapes, shapes
        same_rank = not (isinstance(built, tuple) and isinstance(now, tuple) and len(built) != len(now))
        if same_weights and (same_rank or layer.class_name not in _RANK_FIXED_AFTER_BUILD):
            return result
        if UNKNOWN in (result.trainable, layer.trainable_params, result.non_trainable, layer.non_trainable_params):
            return LayerResult(UNKNOWN, layer.trainable_params, layer.non_trainable_params)
        if layer.class_name in AXES_CHECKED and isinstance(shapes, tuple) and isinstance(layer.build_shapes, tuple):
            from keras_lint.shapes import format_shape

            raise ShapeError(
                "incompatible",
                f"{layer.class_name} `{layer.name}` was built for inputs shaped like {format_shape(layer.build_shapes)} "
                f"and is called again on {format_shape(shapes)}: a shared layer keeps its weights, so the sizes it "
                "was built for must match (None is the batch dimension)",
                layer=layer.class_name,
                shape=shapes,
                shared=True,
            )
        return LayerResult(UNKNOWN, layer.trainable_params, layer.non_trainable_params)

    def merge_function(self, name: KerasName, layer_api: str, node, positional, keywords, unknown_star, frame) -> Value:
        """`concatenate([a, b], axis=1)` makes a Concatenate layer and calls it."""
        keywords = dict(keywords)
        inputs = positional[0] if positional else keywords.pop("inputs", OPAQUE)
        layer_positional = positional[1:]
        return self._merge_layer_call(name, layer_api, node, inputs, layer_positional, keywords, unknown_star, frame)

    def _merge_layer_call(self, name, layer_api, node, inputs, positional, keywords, unknown_star, frame) -> Value:
        layer_name = KerasName(layer_api, name.flavour, name.written)
        class_name = layer_api.rsplit(".", 1)[-1]
        if unknown_star:
            config = LayerConfig(layer_api, {}, frozenset(), self.result.image_data_format)
            config.values = {"axis": UNKNOWN, "axes": UNKNOWN}
        else:
            config = LayerConfig.from_arguments(
                layer_api,
                [_config_value(v) for v in positional],
                {k: _config_value(v) for k, v in keywords.items()},
                image_data_format=self.result.image_data_format,
            )
        layer = Layer(class_name, self._name_for(keywords, class_name, frame), layer_name, config, self.call_of(node, frame))
        self._register_layer(layer, frame)
        return self.apply_layer(layer, node, [inputs], {}, frame)

    def legacy_merge(self, name: KerasName, node, positional, keywords, unknown_star, frame) -> Value:
        """Keras 1's `merge([a, b], mode='concat', concat_axis=3)`, read as the Keras 2+
        function KRS201 rewrites it to, so that old code still gets shapes."""
        is_layer = name.name == "Merge"
        keywords = dict(keywords)
        mode_value = keywords.pop("mode", None)
        if mode_value is None and not is_layer and len(positional) > 1:
            mode_value = positional[1]
        mode = constant_of(mode_value) if mode_value is not None else "sum"
        entry = legacy.merge_modes().get(mode) if isinstance(mode, str) else None
        if entry is None or entry.get("fix") != "safe" or unknown_star:
            return Tensor(UNKNOWN) if not is_layer else OPAQUE
        new_keywords = {}
        axis_from = entry.get("axis_from")
        if axis_from and axis_from in keywords:
            new_keywords[entry["axis_keyword"]] = keywords.pop(axis_from)
        if "name" in keywords:
            new_keywords["name"] = keywords.pop("name")
        if keywords or (is_layer and positional) or (not is_layer and len(positional) > 2):
            return Tensor(UNKNOWN) if not is_layer else OPAQUE
        layer_api = f"keras.layers.{entry['layer']}"
        if is_layer:
            layer_name = KerasName(layer_api, name.flavour, name.written)
            config = LayerConfig.from_arguments(layer_api, [], {k: _config_value(v) for k, v in new_keywords.items()}, image_data_format=self.result.image_data_format)
            layer = Layer(entry["layer"], self._name_for(new_keywords, entry["layer"], frame), layer_name, config, self.call_of(node, frame))
            return self._register_layer(layer, frame)
        inputs = positional[0] if positional else OPAQUE
        return self._merge_layer_call(name, layer_api, node, inputs, [], new_keywords, False, frame)

    # -- models -------------------------------------------------------------------------------

    def _new_model(self, kind: str, name: str, node: cst.Call, frame: Frame) -> Model:
        model = Model(kind, name, self.call_of(node, frame), frame.unit)
        model.layer = Layer("Sequential" if kind == "sequential" else "Functional", name, None, None, model.call, model=model)
        self.result.instances.append(model)
        if frame.home:
            self.home_by_call[id(node)].append(model)
        else:
            self.inline_by_call[id(node)].append(model)
        return model

    def make_sequential(self, node, positional, keywords, unknown_star, frame) -> Value:
        if unknown_star:
            return OPAQUE
        model = self._new_model("sequential", self._name_for(keywords, "Sequential", frame), node, frame)
        trainable = keywords.get("trainable")
        if trainable is not None:
            model.trainable = trainable.value if isinstance(trainable, Const) and isinstance(trainable.value, bool) else UNKNOWN
        layers = positional[0] if positional else keywords.get("layers", Const(None))
        if isinstance(layers, Const) and layers.value is None:
            return model
        items = sequence_items(layers)
        if items is None:
            model.complete = False
            return model
        for item in items:
            self.sequential_add(model, item, None, frame, rebuild=False)
        self.rebuild(model, node)
        return model

    def sequential_add(self, model: Model, value, node: cst.Call | None, frame: Frame, rebuild: bool = True) -> None:
        if isinstance(value, Tensor) and value.layer is not None and value.layer.class_name == "InputLayer":
            layer = value.layer
        elif isinstance(value, Model):
            layer = value.layer
        elif isinstance(value, Layer):
            layer = value
        else:
            layer = Layer("?", "?", None, None, None)
            model.complete = False
        if frame.uncertain:
            layer.conditional = True
        if not model.stack and layer.config is not None and layer.class_name != "InputLayer":
            self._implicit_input(model, layer, frame)
        elif any(not earlier.conditional for earlier in model.stack) and layer.input_shape_keyword is not None:
            # Only when a layer certainly comes before it: otherwise it may be the first.
            self.result.ignored_input_shapes.append(IgnoredInputShape(layer, model))
        model.stack.append(layer)
        if rebuild:
            self.rebuild(model, node)

    def _implicit_input(self, model: Model, layer: Layer, frame: Frame) -> None:
        """A first layer with `input_shape=` (or `input_dim=`) gives the Sequential an InputLayer."""
        config = layer.config
        keyword = layer.input_shape_keyword
        if keyword == "input_dim":
            dim = config.get("input_dim")
            shape_value = (dim,) if dim is not UNKNOWN and dim is not None else UNKNOWN
        elif keyword == "input_shape":
            shape_value = config.get("input_shape")
        else:
            return
        argument = layer.call.keyword(keyword) if layer.call else None
        if layer.call is not None:
            self.result.first_layer_calls.add(id(layer.call.node))
        if shape_value is None:
            return
        shape = self._input_shape(Const(shape_value) if shape_value is not UNKNOWN else OPAQUE)
        input_layer = self._new_input_layer(shape, frame.names.auto("InputLayer"), None, layer.call, argument, frame)
        model.stack.append(input_layer)

    def rebuild(self, model: Model, trigger: cst.CSTNode | None) -> None:
        """What Keras' Sequential does after each `add`: build the stack on its input."""
        for layer in model.stack:
            layer.nodes = [n for n in layer.nodes if n.owner is not model]
        self.result.nodes = [n for n in self.result.nodes if n.owner is not model]
        model.inputs, model.outputs = [], []
        stack = model.stack
        if len(stack) < 2 or stack[0].class_name != "InputLayer" or stack[0].output_tensor is None:
            return
        tensor = stack[0].output_tensor
        model.inputs = [tensor]
        current: Value = tensor
        for layer in stack[1:]:
            if not isinstance(current, Tensor):
                current = Tensor(UNKNOWN)
            frame = Frame(self.semantic.module_scope, model.unit, _NameCounter(), home=False)
            if layer.class_name == "?":
                current = Tensor(UNKNOWN)
                continue
            current = self.apply_layer(layer, None, [current], {}, frame, owner=model)
            if isinstance(current, Tensor) and current.node is not None:
                current.node.trigger = trigger
            if isinstance(current, Tensor) and current.node is not None and current.node.error is not None:
                # Keras raises at this `add`: nothing after it is built.
                model.outputs = [current]
                return
        model.outputs = [current] if isinstance(current, Tensor) else [Tensor(UNKNOWN)]

    def make_functional(self, node, positional, keywords, unknown_star, frame) -> Value:
        inputs = keywords.get("inputs", keywords.get("input"))
        outputs = keywords.get("outputs", keywords.get("output"))
        if inputs is None and positional:
            inputs = positional[0]
        if outputs is None and len(positional) > 1:
            outputs = positional[1]
        if inputs is None or outputs is None or unknown_star:
            return OPAQUE
        model = self._new_model("functional", self._name_for(keywords, "Functional", frame), node, frame)
        trainable = keywords.get("trainable")
        if trainable is not None:
            model.trainable = trainable.value if isinstance(trainable, Const) and isinstance(trainable.value, bool) else UNKNOWN
        input_tensors = self._flat_tensors(inputs)
        output_tensors = self._flat_tensors(outputs)
        if input_tensors is None or output_tensors is None:
            model.complete = False
            model.inputs = input_tensors or []
            model.outputs = output_tensors or []
            return model
        model.inputs, model.outputs = input_tensors, output_tensors
        layers, complete = layers_in_graph(input_tensors, output_tensors)
        model.graph_layers = layers
        model.complete = complete and not any(layer.conditional for layer in layers)
        return model

    @staticmethod
    def _flat_tensors(value) -> list[Tensor] | None:
        if isinstance(value, Tensor):
            return [value]
        if isinstance(value, Seq):
            tensors = []
            for item in value.items:
                inner = Interpreter._flat_tensors(item)
                if inner is None:
                    return None
                tensors.extend(inner)
            return tensors
        if isinstance(value, Mapping):
            tensors = []
            for item in value.items.values():
                inner = Interpreter._flat_tensors(item)
                if inner is None:
                    return None
                tensors.extend(inner)
            return tensors
        return None

    def apply_model(self, model: Model, node, positional, keywords, frame) -> Value:
        """A model called like a layer on tensors."""
        main = positional[0] if positional else keywords.get("inputs", OPAQUE)
        shapes = _shape_of(main)
        if model.kind == "sequential" and not model.built and isinstance(shapes, tuple) and model.stack and model.stack[0].class_name != "InputLayer":
            self._build_sequential(model, shapes, frame, node)
        expected = model.input_shapes
        given = shapes if isinstance(shapes, list) else [shapes]
        outputs_known = model.built and model.complete and len(given) == len(expected) and all(
            _compatible(g, e) for g, e in zip(given, expected)
        )
        output_shapes = model.output_shapes if outputs_known else [UNKNOWN] * max(1, len(model.outputs))
        tensors = [Tensor(shape) for shape in output_shapes]
        graph_node = Node(model.layer, _input_tensors(main), tensors, node, None, shapes)
        for index, tensor in enumerate(tensors):
            tensor.node, tensor.index = graph_node, index
        model.layer.nodes.append(graph_node)
        model.layer.built = True
        self.result.nodes.append(graph_node)
        return tensors[0] if len(tensors) == 1 else Seq(list(tensors))

    def _build_sequential(self, model: Model, shape, frame: Frame, trigger: cst.CSTNode | None) -> None:
        if not isinstance(shape, tuple):
            return
        input_layer = self._new_input_layer(shape, frame.names.auto("InputLayer"), None, None, None, frame)
        model.stack.insert(0, input_layer)
        self.rebuild(model, trigger)

    def model_method(self, model: Model, name: str, node: cst.Call, positional, keywords, frame) -> Value:
        if name == "add" and model.kind == "sequential":
            value = positional[0] if positional else keywords.get("layer", OPAQUE)
            self.sequential_add(model, value, node, frame)
            return Const(None)
        if name == "pop" and model.kind == "sequential":
            if frame.uncertain or not model.stack:
                model.complete = False
            else:
                model.stack.pop()
                self.rebuild(model, node)
            return OPAQUE
        if name == "build":
            shape = constant_of(positional[0]) if positional else constant_of(keywords.get("input_shape", Const(None)))
            if model.kind == "sequential" and isinstance(shape, (tuple, list)) and model.stack and model.stack[0].class_name != "InputLayer":
                self._build_sequential(model, self._input_shape(None, None, Const(tuple(shape))), frame, node)
            return Const(None)
        if name == "get_layer":
            wanted = constant_of(positional[0]) if positional else constant_of(keywords.get("name", OPAQUE))
            for layer in model.layers:
                if layer.name == wanted:
                    return layer
            return OPAQUE
        if name in _MODEL_METHODS:
            call = self.call_of(node, frame)
            values = self._method_values(name, positional, keywords)
            method_call = MethodCall(name, call, values, model)
            model.method_calls.append(method_call)
            self.result.method_calls.append(method_call)
            return OPAQUE
        return OPAQUE

    @staticmethod
    def _method_values(name: str, positional: list, keywords: dict) -> dict:
        signature = keras3.signature(f"keras.Model.{name}")
        values: dict = {}
        if signature is not None:
            for param_name, value in zip(signature.positional_names(), positional):
                values[param_name] = value
        values.update(keywords)
        return values

    # -- NumPy and images ---------------------------------------------------------------------

    def call_numpy(self, function: str, node, positional, keywords) -> Value:
        def shape_from(value):
            shape = constant_of(value)
            if isinstance(shape, int) and not isinstance(shape, bool):
                return (shape,)
            if isinstance(shape, (tuple, list)) and all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
                return tuple(shape)
            return None

        if function in ("zeros", "ones", "empty", "full"):
            value = positional[0] if positional else keywords.get("shape")
            shape = shape_from(value) if value is not None else None
            return Array(shape, f"np.{function}", node) if shape is not None else OPAQUE
        if function in ("zeros_like", "ones_like", "empty_like", "full_like"):
            value = positional[0] if positional else keywords.get("a")
            return Array(value.shape, value.origin, node, value.single) if isinstance(value, Array) else OPAQUE
        if function in ("random.rand", "random.randn"):
            if not positional:
                return OPAQUE
            shape = shape_from(self._sequence(positional, True))
            return Array(shape, f"np.{function}", node) if shape is not None else OPAQUE
        size_position = {"random.random": 0, "random.random_sample": 0, "random.sample": 0, "random.ranf": 0,
                         "random.normal": 2, "random.uniform": 2, "random.randint": 2, "random.binomial": 2}
        if function in size_position:
            position = size_position[function]
            value = keywords.get("size", positional[position] if len(positional) > position else None)
            if value is None:
                return OPAQUE
            shape = shape_from(value)
            return Array(shape, f"np.{function}", node) if shape is not None else OPAQUE
        if function == "expand_dims":
            array = positional[0] if positional else keywords.get("a")
            axis = constant_of(positional[1] if len(positional) > 1 else keywords.get("axis", OPAQUE))
            if not isinstance(array, Array) or not isinstance(axis, int) or isinstance(axis, bool):
                return OPAQUE
            rank = len(array.shape) + 1
            if not -rank <= axis < rank:
                return OPAQUE
            shape = list(array.shape)
            shape.insert(axis % rank, 1)
            return Array(tuple(shape), array.origin, node)
        if function in ("array", "asarray", "float32"):
            value = positional[0] if positional else OPAQUE
            if isinstance(value, Array):
                return Array(value.shape, value.origin, node, value.single)
            shape = _nested_shape(constant_of(value))
            return Array(shape, "np.array", node) if shape is not None else OPAQUE
        if function == "reshape":
            array = positional[0] if positional else keywords.get("a")
            shape = positional[1] if len(positional) > 1 else keywords.get("newshape", keywords.get("shape", OPAQUE))
            if isinstance(array, Array):
                return self._reshape_array(array, constant_of(shape), node)
            return OPAQUE
        return OPAQUE

    @staticmethod
    def _reshape_array(array: Array, shape, node) -> Value:
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
            return OPAQUE
        shape = tuple(shape)
        if shape.count(-1) > 1:
            return OPAQUE
        if -1 in shape:
            if any(not isinstance(d, int) for d in array.shape):
                return OPAQUE
            total = 1
            for d in array.shape:
                total *= d
            known = 1
            for d in shape:
                if d != -1:
                    known *= d
            if known == 0 or total % known:
                return OPAQUE
            shape = tuple(total // known if d == -1 else d for d in shape)
        return Array(shape, array.origin, node, dtype=array.dtype)

    def _load_img(self, positional, keywords) -> Value:
        size = constant_of(keywords.get("target_size", positional[2] if len(positional) > 2 else Const(None)))
        mode = constant_of(keywords.get("color_mode", positional[1] if len(positional) > 1 else Const("rgb")))
        channels = {"grayscale": 1, "rgb": 3, "rgba": 4}.get(mode, UNKNOWN) if isinstance(mode, str) else UNKNOWN
        if "grayscale" in keywords:
            channels = UNKNOWN
        if isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(d, int) for d in size):
            return Image(tuple(size), channels)
        return Image(UNKNOWN, channels)

    def _img_to_array(self, node, positional, keywords) -> Value:
        image = positional[0] if positional else keywords.get("img", OPAQUE)
        if not isinstance(image, Image):
            return OPAQUE
        data_format = constant_of(keywords.get("data_format", positional[1] if len(positional) > 1 else Const(None)))
        if data_format is None:
            data_format = self.result.image_data_format
        height, width = image.size if isinstance(image.size, tuple) else (UNKNOWN, UNKNOWN)
        if data_format == "channels_first":
            shape = (image.channels, height, width)
        elif data_format == "channels_last":
            shape = (height, width, image.channels)
        else:
            shape = (UNKNOWN, UNKNOWN, UNKNOWN)
        return Array(shape, "img_to_array", node, single=True)

    # -- what values mean: the interpreter's hooks -----------------------------------------

    def unit_of(self, info) -> BuildUnit:
        return self._unit(info.node, info.node.name.value)

    def bound(self, name: str, value: Value, frame: Frame) -> None:
        if frame.home and isinstance(value, Model) and value.variable is None:
            value.variable = name

    def assign_attribute(self, owner: Value, attribute: str, value: Value, frame: Frame) -> None:
        if attribute == "trainable" and isinstance(owner, (Layer, Model)):
            flag = value.value if isinstance(value, Const) and isinstance(value.value, bool) else UNKNOWN
            owner.trainable = UNKNOWN if frame.uncertain else flag

    def is_object(self, value: Value) -> bool:
        return isinstance(value, (Tensor, Layer, Model, Array))

    def binary_objects(self, op, left: Value, right: Value) -> Value:
        if isinstance(left, Array) and (isinstance(right, Const) or (isinstance(right, Array) and right.shape == left.shape)):
            return Array(left.shape, left.origin, left.node, left.single)
        if isinstance(right, Array) and isinstance(left, Const):
            return Array(right.shape, right.origin, right.node, right.single)
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            # A Keras operation on symbolic tensors: a node keras-lint does not follow.
            return Tensor(UNKNOWN)
        return OPAQUE

    def attribute(self, base: Value, attr: str, node: cst.Attribute, frame: Frame) -> Value:
        if isinstance(base, Tensor):
            if attr == "shape":
                return self._shape_value(base.shape)
            return OPAQUE
        if isinstance(base, Model):
            return self._model_attribute(base, attr)
        if isinstance(base, Layer):
            if attr == "output" and base.nodes:
                outputs = base.nodes[0].outputs
                return outputs[0] if len(outputs) == 1 else Seq(list(outputs))
            if attr == "output" and base.output_tensor is not None:
                return base.output_tensor
            if attr == "input" and base.nodes:
                inputs = base.nodes[0].inputs
                return inputs[0] if len(inputs) == 1 else Seq(list(inputs))
            if attr == "output_shape":
                return self._shape_value(base.output_shape) if isinstance(base.output_shape, tuple) else OPAQUE
            return Method(base, attr)
        if isinstance(base, Array):
            if attr == "shape":
                return self._shape_value(base.shape)
            if attr == "T":
                return Array(tuple(reversed(base.shape)), base.origin, base.node)
            if attr == "ndim":
                return Const(len(base.shape))
            return Method(base, attr)
        return Method(base, attr)

    def eval_lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        """`lambda x: x / 255.0` keeps its input's shape, which a `Lambda` layer can use."""
        params = node.params
        if params.posonly_params or params.kwonly_params or len(params.params) != 1 or isinstance(params.star_arg, cst.Param) or params.star_kwarg:
            return OPAQUE
        scope = self.semantic.scope_of_node.get(node, frame.scope)
        if self._keeps_shape(node.body, params.params[0].name.value, scope):
            return Const(SHAPE_PRESERVING)
        return OPAQUE

    def _keeps_shape(self, expr, parameter: str, scope) -> bool:
        if isinstance(expr, cst.Name):
            return expr.value == parameter
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            return self._keeps_shape(expr.expression, parameter, scope)
        if isinstance(expr, cst.BinaryOperation) and type(expr.operator) in _ELEMENTWISE_OPERATORS:
            left = self._keeps_shape(expr.left, parameter, scope)
            right = self._keeps_shape(expr.right, parameter, scope)
            return (left and (right or _is_number(expr.right))) or (right and _is_number(expr.left))
        if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword and not expr.args[0].star:
            name = self.ctx.keras_name(expr.func, scope)
            return (
                name is not None
                and name.module in ("keras.ops", "keras.activations", "keras.backend")
                and name.name in _ELEMENTWISE_FUNCTIONS
                and self._keeps_shape(expr.args[0].value, parameter, scope)
            )
        return False

    def unary_object(self, operand: Value) -> Value:
        if isinstance(operand, Array):
            return operand
        return Tensor(UNKNOWN) if isinstance(operand, Tensor) else OPAQUE

    def subscript(self, base: Value, node: cst.Subscript, frame: Frame) -> Value:
        if isinstance(base, Array):
            return self._array_subscript(base, node, frame)
        if isinstance(base, Tensor):
            return Tensor(UNKNOWN)  # x[:, 0]: a Keras operation keras-lint does not follow
        return OPAQUE

    def call_object(self, callee: Value, node: cst.Call, positional: list, keywords: dict, frame: Frame) -> Value:
        if isinstance(callee, Model):
            return self.apply_model(callee, node, positional, keywords, frame)
        if isinstance(callee, Layer):
            return self.apply_layer(callee, node, positional, keywords, frame)
        return OPAQUE

    def object_method(self, receiver: Value, name: str, node: cst.Call, positional: list, keywords: dict, frame: Frame) -> Value:
        if isinstance(receiver, Model):
            return self.model_method(receiver, name, node, positional, keywords, frame)
        if isinstance(receiver, Array):
            if name in ("astype", "copy"):
                dtype = dtype_of(positional[0] if positional else keywords.get("dtype")) if name == "astype" else receiver.dtype
                return Array(receiver.shape, receiver.origin, node, receiver.single, dtype)
            if name == "reshape":
                shape = positional[0] if len(positional) == 1 else self._sequence(positional, True)
                return self._reshape_array(receiver, constant_of(shape), node)
            return OPAQUE
        if isinstance(receiver, OneHot) and name in ("astype", "copy"):
            return receiver
        if receiver is OPAQUE and name in _MODEL_METHODS:
            # A model keras-lint does not know (a parameter, say): the call still tells what
            # data it is given.
            values = self._method_values(name, positional, keywords)
            self.result.method_calls.append(MethodCall(name, self.call_of(node, frame), values, None))
            return OPAQUE
        return OPAQUE


_ELEMENTWISE_OPERATORS = frozenset({cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power})
_ELEMENTWISE_FUNCTIONS = frozenset(
    {
        "abs", "exp", "log", "log1p", "expm1", "sqrt", "square", "tanh", "sigmoid", "relu", "relu6", "elu", "selu",
        "gelu", "silu", "swish", "softplus", "softsign", "hard_sigmoid", "negative", "sin", "cos",
    }
)


def _is_number(expr) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float)):
        return True
    return isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)) and _is_number(expr.expression)


def _compatible(given, expected) -> bool:
    if not isinstance(given, tuple) or not isinstance(expected, tuple) or len(given) != len(expected):
        return False
    for a, b in zip(given[1:], expected[1:]):
        if a is UNKNOWN or b is UNKNOWN:
            return False
        if a != b and b is not None:
            return False
        if a is None and b is not None:
            return False
    return True


def _fully_known(model: Model) -> bool:
    shapes = model.output_shapes
    return model.complete and bool(shapes) and all(isinstance(s, tuple) and UNKNOWN not in s for s in shapes)


def _nested_shape(value) -> tuple | None:
    """The shape of a regular nested list of numbers (`[[1, 2, 3], [2, 3, 4]]` -> (2, 3))."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ()
    if not isinstance(value, (list, tuple)) or not value:
        return None
    inner = [_nested_shape(v) for v in value]
    if any(s is None for s in inner) or len(set(inner)) != 1:
        return None
    return (len(value), *inner[0])
