"""Hypothesis strategies that write Keras model-building programs: Sequential (as a list, or as
`add` calls) and functional (with branches, merges, shared layers and several outputs), with
the layers keras-lint has shape functions for and random arguments, valid and invalid.

A program is a list of source lines; each statement is one line, so that the line where
TensorFlow raises can be matched with the line keras-lint reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from keras_lint.knowledge import keras3


@dataclass
class Program:
    lines: list[str]
    kind: str  # "sequential-list" | "sequential-add" | "functional" (+ "-in-function")
    notes: list[str] = field(default_factory=list)
    # True when the program must run as a whole (its model is built inside a function): the
    # line TensorFlow fails on is then not known.
    whole: bool = False

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


HEADER = ["import keras", "from keras import layers"]


def render_call(name: str, positional: list, keywords: dict, draw) -> str:
    """`layers.Name(...)`, passing a random prefix of the arguments positionally in Keras 3's
    own parameter order (the way old code writes `Conv2D(64, 3, 3)`)."""
    signature = keras3.signature(f"keras.layers.{name}")
    order = list(signature.positional_names()) if signature is not None else []
    arguments = dict(zip(order, positional))
    arguments.update(keywords)
    as_positional = []
    for param in order:
        if param in arguments and draw(st.booleans()):
            as_positional.append(repr(arguments.pop(param)))
        else:
            break
    rest = [f"{k}={v!r}" for k, v in arguments.items()]
    return f"layers.{name}({', '.join(as_positional + rest)})"


# -- layers ------------------------------------------------------------------------------------

small = st.integers(1, 6)
kernel = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def _tuple(draw, rank, low, high):
    if draw(st.booleans()):
        return draw(st.integers(low, high))
    return tuple(draw(st.integers(low, high)) for _ in range(rank))


def _data_format(draw):
    return draw(st.sampled_from([None, None, None, None, "channels_last", "channels_first"]))


def dense(draw, rank):
    keywords = {}
    if draw(st.booleans()):
        keywords["activation"] = draw(st.sampled_from(["relu", "softmax", None]))
    if draw(st.integers(0, 4)) == 0:
        keywords["use_bias"] = False
    return render_call("Dense", [draw(small)], keywords, draw), rank


def activation(draw, rank):
    name = draw(st.sampled_from(["Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Identity"]))
    positional = ["relu"] if name == "Activation" else []
    return render_call(name, positional, {}, draw), rank


def dropout(draw, rank):
    name = draw(st.sampled_from(["Dropout", "GaussianDropout", "AlphaDropout", "GaussianNoise"]))
    value = draw(st.sampled_from([0.0, 0.1, 0.5, 1.5])) if name != "GaussianNoise" else 0.1
    return render_call(name, [value], {}, draw), rank


def spatial_dropout(draw, rank):
    size = draw(st.sampled_from([1, 2, 3]))
    return render_call(f"SpatialDropout{size}D", [0.2], {}, draw), rank


def flatten(draw, rank):
    return "layers.Flatten()", 2


def reshape(draw, rank):
    target = draw(
        st.sampled_from(
            [(-1,), (-1, 1), (-1, 2), (-1, 3), (2, -1), (4, 4), (2, 3), (3, 4), (6,), (12,), (2, 2, -1), (-1, 2, 2), (4, 4, 3), (-1, -1)]
        )
    )
    return render_call("Reshape", [target], {}, draw), len(target) + 1


def permute(draw, rank):
    count = max(1, rank - 1)
    if draw(st.integers(0, 5)) == 0:
        count = draw(st.integers(1, 3))
    dims = draw(st.permutations(list(range(1, count + 1))))
    return render_call("Permute", [tuple(dims)], {}, draw), count + 1


def repeat_vector(draw, rank):
    return render_call("RepeatVector", [draw(st.integers(1, 4))], {}, draw), 3


def convolution(draw, rank):
    spatial = draw(st.sampled_from([1, 2, 3])) if draw(st.integers(0, 4)) == 0 else max(1, min(3, rank - 2))
    family = draw(st.sampled_from(["Conv", "Conv", "ConvTranspose", "SeparableConv", "DepthwiseConv"]))
    if family in ("SeparableConv", "DepthwiseConv") and spatial == 3:
        spatial = 2
    name = {
        "Conv": f"Conv{spatial}D",
        "ConvTranspose": f"Conv{spatial}DTranspose",
        "SeparableConv": f"SeparableConv{spatial}D",
        "DepthwiseConv": f"DepthwiseConv{spatial}D",
    }[family]
    positional = [] if family == "DepthwiseConv" else [draw(st.integers(1, 6))]
    positional.append(_tuple(draw, spatial, 1, 4))
    keywords: dict = {}
    if draw(st.booleans()):
        keywords["strides"] = _tuple(draw, spatial, 1, 3)
    padding_choices = ["valid", "same"] + (["causal"] if name == "Conv1D" else [])
    if draw(st.booleans()):
        keywords["padding"] = draw(st.sampled_from(padding_choices))
    if draw(st.integers(0, 3)) == 0:
        keywords["dilation_rate"] = draw(st.integers(1, 2))
    if family == "Conv" and draw(st.integers(0, 5)) == 0:
        keywords["groups"] = draw(st.sampled_from([1, 2]))
    if family in ("SeparableConv", "DepthwiseConv") and draw(st.booleans()):
        keywords["depth_multiplier"] = draw(st.integers(1, 2))
    if family == "ConvTranspose" and draw(st.integers(0, 3)) == 0:
        keywords["output_padding"] = draw(st.sampled_from([0, 1]))
    if draw(st.integers(0, 5)) == 0:
        keywords["data_format"] = _data_format(draw)
    if draw(st.integers(0, 4)) == 0:
        keywords["use_bias"] = False
    return render_call(name, positional, keywords, draw), spatial + 2


def pooling(draw, rank):
    spatial = max(1, min(3, rank - 2)) if draw(st.integers(0, 4)) else draw(st.sampled_from([1, 2, 3]))
    kind = draw(st.sampled_from(["Max", "Average"]))
    keywords: dict = {}
    positional = [_tuple(draw, spatial, 1, 3)]
    if draw(st.booleans()):
        keywords["strides"] = draw(st.sampled_from([None, 1, 2, 3]))
    if draw(st.booleans()):
        keywords["padding"] = draw(st.sampled_from(["valid", "same"]))
    if draw(st.integers(0, 5)) == 0:
        keywords["data_format"] = _data_format(draw)
    return render_call(f"{kind}Pooling{spatial}D", positional, keywords, draw), spatial + 2


def global_pooling(draw, rank):
    spatial = max(1, min(3, rank - 2)) if draw(st.integers(0, 4)) else draw(st.sampled_from([1, 2, 3]))
    kind = draw(st.sampled_from(["Max", "Average"]))
    keepdims = draw(st.booleans())
    keywords = {"keepdims": True} if keepdims else {}
    if draw(st.integers(0, 5)) == 0:
        keywords["data_format"] = _data_format(draw)
    return render_call(f"Global{kind}Pooling{spatial}D", [], keywords, draw), (spatial + 2 if keepdims else 2)


def resampling(draw, rank):
    spatial = max(1, min(3, rank - 2)) if draw(st.integers(0, 4)) else draw(st.sampled_from([1, 2, 3]))
    kind = draw(st.sampled_from(["UpSampling", "ZeroPadding", "Cropping"]))
    name = f"{kind}{spatial}D"
    if kind == "UpSampling":
        value = draw(st.integers(1, 3)) if spatial == 1 else _tuple(draw, spatial, 1, 3)
    elif spatial == 1:
        value = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2))))
    else:
        value = draw(
            st.one_of(
                st.integers(0, 2),
                st.tuples(*[st.integers(0, 2)] * spatial),
                st.tuples(*[st.tuples(st.integers(0, 2), st.integers(0, 2))] * spatial),
            )
        )
    return render_call(name, [value], {}, draw), spatial + 2


def normalization(draw, rank):
    name = draw(st.sampled_from(["BatchNormalization", "LayerNormalization", "Normalization"]))
    keywords: dict = {}
    if draw(st.integers(0, 3)) == 0:
        keywords["axis"] = draw(st.sampled_from([-1, 1, 2] if name != "LayerNormalization" else [-1, 1, [-2, -1]]))
    if name != "Normalization" and draw(st.integers(0, 3)) == 0:
        keywords["center"] = False
    if name != "Normalization" and draw(st.integers(0, 3)) == 0:
        keywords["scale"] = False
    return render_call(name, [], keywords, draw), rank


def embedding(draw, rank):
    return render_call("Embedding", [draw(st.integers(5, 20)), draw(small)], {}, draw), rank + 1


def recurrent(draw, rank):
    name = draw(st.sampled_from(["SimpleRNN", "LSTM", "GRU"]))
    keywords: dict = {}
    return_sequences = draw(st.booleans())
    if return_sequences:
        keywords["return_sequences"] = True
    if name == "GRU" and draw(st.integers(0, 3)) == 0:
        keywords["reset_after"] = False
    if draw(st.integers(0, 5)) == 0:
        keywords["use_bias"] = False
    inner = render_call(name, [draw(small)], keywords, draw)
    if draw(st.integers(0, 3)) == 0:
        mode = draw(st.sampled_from(["concat", "sum", "mul", "ave"]))
        return f"layers.Bidirectional({inner}, merge_mode={mode!r})", (3 if return_sequences else 2)
    return inner, (3 if return_sequences else 2)


def time_distributed(draw, rank):
    inner_name = draw(st.sampled_from(["dense", "conv", "pool", "flatten"]))
    if inner_name == "dense":
        inner = render_call("Dense", [draw(small)], {}, draw)
        return f"layers.TimeDistributed({inner})", rank
    if inner_name == "flatten":
        return "layers.TimeDistributed(layers.Flatten())", 3
    if inner_name == "pool":
        return f"layers.TimeDistributed(layers.MaxPooling2D({draw(st.integers(1, 2))}))", rank
    inner = render_call("Conv2D", [draw(small), draw(st.integers(1, 3))], {}, draw)
    return f"layers.TimeDistributed({inner})", rank


def conv_lstm(draw, rank):
    keywords = {"padding": draw(st.sampled_from(["valid", "same"]))}
    if draw(st.booleans()):
        keywords["return_sequences"] = True
    return render_call("ConvLSTM2D", [draw(small), draw(st.integers(1, 3))], keywords, draw), (5 if keywords.get("return_sequences") else 4)


def preprocessing(draw, rank):
    name = draw(st.sampled_from(["Rescaling", "Resizing", "CenterCrop", "Masking", "augmentation"]))
    if name == "Rescaling":
        return "layers.Rescaling(1.0 / 255)", rank
    if name == "Masking":
        return "layers.Masking()", rank
    if name == "augmentation":
        return draw(st.sampled_from([
            'layers.RandomFlip("horizontal")', "layers.RandomRotation(0.1)", "layers.RandomZoom(0.1)",
            "layers.RandomTranslation(0.1, 0.1)", "layers.RandomContrast(0.2)", "layers.RandomBrightness(0.2)",
            "layers.RandomShear(0.1)",
        ])), rank
    return render_call(name, [draw(st.integers(1, 8)), draw(st.integers(1, 8))], {}, draw), rank


def lambda_layer(draw, rank):
    if draw(st.booleans()):
        function = draw(st.sampled_from(["lambda t: t", "lambda t: t * 2.0", "lambda t: -t + 1", "lambda t: keras.ops.relu(t)", "lambda t: t[:, :1]"]))
        return f"layers.Lambda({function})", rank
    shape = draw(st.sampled_from([(4,), (2, 2)]))
    return f"layers.Lambda(lambda t: t, output_shape={shape!r})", len(shape) + 1


def prelu(draw, rank):
    return "layers.PReLU()", rank


LAYERS_BY_RANK = {
    2: [dense, dense, activation, dropout, reshape, repeat_vector, normalization, embedding, lambda_layer, prelu, flatten],
    3: [dense, recurrent, recurrent, convolution, pooling, global_pooling, resampling, reshape, flatten, time_distributed, normalization, spatial_dropout, permute, dropout],
    4: [convolution, convolution, pooling, global_pooling, resampling, flatten, reshape, normalization, preprocessing, time_distributed, spatial_dropout, dense, permute],
    5: [convolution, pooling, global_pooling, resampling, conv_lstm, time_distributed, flatten, normalization],
}
ANY_LAYER = [dense, activation, dropout, flatten, reshape, permute, repeat_vector, convolution, pooling, global_pooling, resampling,
             normalization, embedding, recurrent, time_distributed, conv_lstm, preprocessing, spatial_dropout, lambda_layer]


def draw_layer(draw, rank: int):
    if draw(st.integers(0, 9)) == 0:
        factory = draw(st.sampled_from(ANY_LAYER))
    else:
        factory = draw(st.sampled_from(LAYERS_BY_RANK.get(rank, LAYERS_BY_RANK[4])))
    return factory(draw, rank)


def draw_input_shape(draw):
    rank = draw(st.sampled_from([1, 2, 2, 3, 3, 3, 4]))
    if rank == 1:
        return (draw(st.integers(1, 24)),)
    if rank == 2:
        return (draw(st.sampled_from([None, 2, 4, 5, 8, 10])), draw(st.integers(1, 8)))
    if rank == 3:
        return (draw(st.integers(1, 16)), draw(st.integers(1, 16)), draw(st.integers(1, 4)))
    return (draw(st.integers(2, 6)), draw(st.integers(2, 8)), draw(st.integers(2, 8)), draw(st.integers(1, 3)))


# -- programs ----------------------------------------------------------------------------------


@st.composite
def sequential_program(draw) -> Program:
    shape = draw_input_shape(draw)
    rank = len(shape) + 1
    count = draw(st.integers(1, 6))
    layers_text = []
    for _ in range(count):
        text, rank = draw_layer(draw, rank)
        layers_text.append(text)
    style = draw(st.sampled_from(["list", "add", "input_shape"]))
    if style == "list":
        items = ", ".join([f"keras.Input(shape={shape!r})", *layers_text])
        return Program(HEADER + [f"model = keras.Sequential([{items}])"], "sequential-list")
    lines = HEADER + ["model = keras.Sequential()"]
    if style == "input_shape" and layers_text[0].endswith(")") and not layers_text[0].startswith(("layers.Bidirectional", "layers.TimeDistributed")):
        first = layers_text[0]
        opener = "" if first.endswith("()") else ", "
        lines.append(f"model.add({first[:-1]}{opener}input_shape={shape!r}))")
        layers_text = layers_text[1:]
    else:
        lines.append(f"model.add(keras.Input(shape={shape!r}))")
    lines.extend(f"model.add({text})" for text in layers_text)
    return Program(lines, "sequential-add")


_MERGES = ["concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum"]


@st.composite
def functional_program(draw) -> Program:
    shape = draw_input_shape(draw)
    rank = len(shape) + 1
    batch = ", batch_size=2" if draw(st.integers(0, 9)) == 0 else ""
    lines = HEADER + [f"inputs = keras.Input(shape={shape!r}{batch})"]
    tensors = [("inputs", rank)]
    shared: list[tuple[str, int]] = []
    count = draw(st.integers(1, 7))
    for index in range(count):
        name = f"x{index}"
        source, source_rank = draw(st.sampled_from(tensors[-3:]))
        choice = draw(st.integers(0, 9))
        if choice == 0 and len(tensors) > 1:
            other, _ = draw(st.sampled_from(tensors))
            merge = draw(st.sampled_from(_MERGES))
            axis = f", axis={draw(st.sampled_from([-1, 1, 2]))}" if merge == "concatenate" and draw(st.booleans()) else ""
            lines.append(f"{name} = layers.{merge}([{source}, {other}]{axis})")
            tensors.append((name, source_rank))
        elif choice == 1 and len(tensors) > 1:
            other, _ = draw(st.sampled_from(tensors))
            axes = draw(st.sampled_from([1, 2, -1, (1, 1), (2, 1)]))
            lines.append(f"{name} = layers.Dot(axes={axes!r})([{source}, {other}])")
            tensors.append((name, 2))
        elif choice == 2 and source_rank == 3:
            heads, key_dim = draw(st.integers(1, 3)), draw(st.integers(1, 4))
            value = source if draw(st.booleans()) else draw(st.sampled_from(tensors))[0]
            lines.append(f"{name} = layers.MultiHeadAttention({heads}, {key_dim})({source}, {value})")
            tensors.append((name, 3))
        elif choice == 3 and source_rank == 3:
            lines.append(f"{name} = layers.Attention()([{source}, {source}])")
            tensors.append((name, 3))
        elif choice == 4 and source_rank == 3:
            cell = draw(st.sampled_from(["LSTM", "GRU", "SimpleRNN"]))
            lines.append(f"{name} = layers.{cell}({draw(small)}, return_state=True)({source})[0]")
            tensors.append((name, 2))
        elif choice == 5 and shared:
            layer_name, layer_rank = draw(st.sampled_from(shared))
            lines.append(f"{name} = {layer_name}({source})")
            tensors.append((name, layer_rank))
        elif choice == 6 and draw(st.booleans()):
            # A small model used as a layer (built on the tensor it is first called on).
            inner = [draw_layer(draw, source_rank)[0] for _ in range(draw(st.integers(1, 2)))]
            lines.append(f"sub{index} = keras.Sequential([{', '.join(inner)}])")
            lines.append(f"{name} = sub{index}({source})")
            tensors.append((name, source_rank))
        else:
            text, new_rank = draw_layer(draw, source_rank)
            if draw(st.integers(0, 4)) == 0:
                layer_name = f"shared{index}"
                lines.append(f"{layer_name} = {text}")
                lines.append(f"{name} = {layer_name}({source})")
                shared.append((layer_name, new_rank))
            else:
                lines.append(f"{name} = {text}({source})")
            tensors.append((name, new_rank))
    outputs = [tensors[-1][0]]
    if draw(st.integers(0, 4)) == 0 and len(tensors) > 2:
        outputs.append(draw(st.sampled_from(tensors[1:-1]))[0])
    out_text = outputs[0] if len(outputs) == 1 else f"[{', '.join(outputs)}]"
    lines.append(f"model = keras.Model(inputs, {out_text})")
    if draw(st.integers(0, 5)) == 0:
        lines.append(f"for layer in model.layers[-{draw(st.integers(1, 3))}:]: layer.trainable = False")
    return Program(lines, "functional")


@st.composite
def program_in_function(draw) -> Program:
    """The same programs written as a function whose input shape is a default parameter value,
    called at module level: `def build(input_shape=(8, 8, 3)): ...; model = build()`."""
    inner = draw(st.one_of(sequential_program(), functional_program()))
    body = inner.lines[len(HEADER) :]
    shape_line = next((i for i, line in enumerate(body) if "keras.Input(shape=" in line or "input_shape=" in line), None)
    parameters = ""
    if shape_line is not None:
        line = body[shape_line]
        marker = "keras.Input(shape=" if "keras.Input(shape=" in line else "input_shape="
        start = line.index(marker) + len(marker)
        depth, end = 0, start
        for end in range(start, len(line)):
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            if depth == 0:
                break
        parameters = f"input_shape={line[start:end + 1]}"
        body[shape_line] = line[:start] + "input_shape" + line[end + 1 :]
    lines = HEADER + [f"def build({parameters}):"] + [f"    {line}" for line in body] + ["    return model", "model = build()"]
    return Program(lines, inner.kind + "-in-function", whole=True)


programs = st.one_of(sequential_program(), functional_program(), program_in_function())
