"""Model extraction from source: the seed's shapes, Sequential and functional models, models
built in functions, shared layers, control flow, and what stays unknown. Static only (no
TensorFlow); tests/test_shapes_tf.py checks the same models in TensorFlow."""

from __future__ import annotations

import os

import pytest
from conftest import ROOT
from models_helpers import context_for, extract, models, only_model, output_shapes

from keras_lint.models import Array, Const, unit_at
from keras_lint.shapes import UNKNOWN

SEED = os.path.join(ROOT, "fixtures", "seed")


def read(name: str) -> str:
    with open(os.path.join(SEED, name), encoding="utf-8") as handle:
        return handle.read()


# -- the seed's examples ----------------------------------------------------------------------


def test_seed_reshape_shapes():
    model = only_model(read("reshape_shapes.py"))
    assert output_shapes(model) == [(None, 3, 4), (None, 6, 2), (None, 3, 2, 2)]
    assert model.unit.name == "build_model"


def test_seed_time_distributed_shapes():
    found = models(read("time_distributed.py"))
    assert output_shapes(found[0]) == [(None, 10, 8), (None, 10, 32)]
    # Keras 3 reads Convolution2D(64, 3, 3) as kernel_size=3, strides=3: what it really builds.
    assert output_shapes(found[1]) == [(None, 10, 1, 99, 64)]
    assert found[1].layers[0].argument("layer").values["strides"] == 3


def test_seed_dense_shapes():
    model = only_model(read("dense_shapes.py"))
    assert output_shapes(model) == [(None, 32), (None, 32)]
    assert [layer.params for layer in model.layers] == [16 * 32 + 32, 32 * 32 + 32]


def test_seed_unet_with_legacy_merge_is_read_as_concatenate():
    model = only_model(read("unet.py"))
    assert model.kind == "functional" and model.unit.name == "unet"
    assert model.output_shapes == [(None, 256, 256, 1)]
    assert model.total_params == 31_031_685
    concatenations = [layer for layer in model.layers if layer.class_name == "Concatenate"]
    assert [layer.output_shape for layer in concatenations] == [
        (None, 32, 32, 1024), (None, 64, 64, 512), (None, 128, 128, 256), (None, 256, 256, 128)
    ]
    assert model.compile_call is not None and model.compile_call.value("loss").value == "binary_crossentropy"


# -- Sequential -------------------------------------------------------------------------------


def test_sequential_list_add_and_input_forms_agree():
    as_list = only_model("import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(2)])\n")
    as_adds = only_model(
        "from keras.models import Sequential\nfrom keras.layers import Dense, InputLayer\n"
        "m = Sequential()\nm.add(InputLayer(shape=(8,)))\nm.add(Dense(4))\nm.add(Dense(2))\n"
    )
    first_layer = only_model("import keras\nm = keras.Sequential()\nm.add(keras.layers.Dense(4, input_dim=8))\nm.add(keras.layers.Dense(2))\n")
    for model in (as_list, as_adds, first_layer):
        assert output_shapes(model) == [(None, 4), (None, 2)]
        assert model.total_params == 8 * 4 + 4 + 4 * 2 + 2
        assert model.variable == "m"


def test_sequential_without_input_is_unbuilt():
    model = only_model("import keras\nm = keras.Sequential([keras.layers.Dense(4)])\n")
    assert not model.built
    assert output_shapes(model) == [None]
    assert model.layers[0].params is UNKNOWN


def test_sequential_build_and_pop():
    model = only_model(
        "import keras\nm = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(3), keras.layers.Dense(2)])\n"
        "m.build((None, 5))\nm.pop()\n"
    )
    assert output_shapes(model) == [(None, 4), (None, 3)]


# -- functional -------------------------------------------------------------------------------


FUNCTIONAL = """
import keras
from keras import layers

image = keras.Input((28, 28, 1), name="image")
label = keras.Input((10,))
shared = layers.Dense(16, activation="relu")
x = layers.Flatten()(image)
b = shared(label)
merged = layers.concatenate([shared(layers.Dense(10)(x)), b])
score = layers.Dense(1, activation="sigmoid", name="score")(merged)
aux = layers.Dense(10, activation="softmax")(merged)
model = keras.Model(inputs=[image, label], outputs=[score, aux])
model.compile(optimizer="adam", loss=["binary_crossentropy", "categorical_crossentropy"])
"""


def test_functional_multiple_inputs_outputs_shared_and_inline_layers():
    model = only_model(FUNCTIONAL)
    assert model.input_shapes == [(None, 28, 28, 1), (None, 10)]
    assert model.output_shapes == [(None, 1), (None, 10)]
    assert [layer.name for layer in model.output_layers] == ["score", "dense_2"]
    assert model.output_layers[1].argument("activation") == "softmax"
    shared = next(layer for layer in model.layers if layer.name == "dense")
    assert len(shared.nodes) == 2  # called on the label and on the inline Dense
    # A shared layer's weights are counted once.
    expected = (784 * 10 + 10) + (10 * 16 + 16) + (32 * 1 + 1) + (32 * 10 + 10)
    assert model.total_params == expected
    # The tensor a layer produced, and the layer that produced a tensor.
    assert model.outputs[0].layer.name == "score"
    assert model.outputs[0].node.inputs[0].layer.class_name == "Concatenate"


def test_functional_layer_order_follows_keras():
    model = only_model(FUNCTIONAL)
    assert [layer.name for layer in model.layers] == [
        "image", "flatten", "dense_1", "input_layer", "dense", "concatenate", "score", "dense_2"
    ]


def test_an_input_cut_off_by_an_unknown_step_is_listed_first():
    model = only_model("""
import keras
from keras import layers
from mylib import custom_block

inputs = keras.Input((32, 32, 3))
x = custom_block(inputs)
outputs = layers.Dense(10)(layers.Flatten()(x))
model = keras.Model(inputs, outputs)
""")
    assert [layer.class_name for layer in model.layers] == ["InputLayer", "Flatten", "Dense"]


def test_model_used_as_a_layer():
    code = """
import keras
from keras import layers
encoder = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(8)])
a = keras.Input((28, 28, 1))
b = keras.Input((28, 28, 1))
similarity = layers.dot([encoder(a), encoder(b)], axes=1)
model = keras.Model([a, b], layers.Dense(1)(similarity))
"""
    found = models(code)
    siamese = found[1]
    assert siamese.output_shapes == [(None, 1)]
    row = next(layer for layer in siamese.layers if layer.class_name == "Sequential")
    assert row.output_shape == (None, 8) and row.params == 784 * 8 + 8
    assert siamese.total_params == 784 * 8 + 8 + 2


# -- functions, defaults, control flow, constants -----------------------------------------------


def test_model_in_function_uses_defaults_and_helpers():
    code = """
import keras
from keras import layers

def conv_block(x, filters, pool=True):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    if pool:
        x = layers.MaxPooling2D()(x)
    return x

def build(input_size=(64, 64, 3), base=8, depth=3):
    inputs = keras.Input(input_size)
    x = inputs
    for i in range(depth):
        x = conv_block(x, base * 2 ** i)
    x = conv_block(x, base, pool=False)
    outputs = layers.Dense(2)(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)

model = build()
"""
    model = only_model(code)
    assert model.unit.name == "build"
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes[1:8] == [(None, 64, 64, 8), (None, 32, 32, 8), (None, 32, 32, 16), (None, 16, 16, 16), (None, 16, 16, 32), (None, 8, 8, 32), (None, 8, 8, 8)]
    assert model.output_shapes == [(None, 2)]


def test_function_called_with_arguments_when_defaults_leave_it_unknown():
    code = """
import keras
def build(input_shape, classes):
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(), keras.layers.Dense(classes)])
    return model
model = build((4, 4), 3)
"""
    model = only_model(code)
    assert model.output_shapes == [(None, 3)]


def test_module_level_constants_arithmetic_and_tuples():
    code = """
import keras
from keras import layers
n = 4
shape = (8, 8)
inputs = keras.Input(shape + (1,))
x = layers.Conv2D(n * 2, (3, 3))(inputs)
x = layers.Reshape((x.shape[1] * x.shape[2], -1))(x)
outputs = layers.Dense(shape[1:][0])(x)
model = keras.Model(inputs, outputs)
"""
    model = only_model(code)
    assert [layer.output_shape for layer in model.layers] == [(None, 8, 8, 1), (None, 6, 6, 8), (None, 36, 8), (None, 36, 8)]


def test_unknown_condition_and_loop_make_shapes_unknown_never_guessed():
    code = """
import sys
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,))])
if len(sys.argv) > 1:
    model.add(layers.Dense(16))
model.add(layers.Dense(4))
x = keras.Input((8,))
for _ in range(int(sys.argv[1])):
    x = layers.Dense(8)(x)
"""
    model = only_model(code)
    assert output_shapes(model) == [UNKNOWN, UNKNOWN]


def test_known_loop_is_unrolled():
    code = """
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,))])
for units in (16, 8, 4):
    model.add(layers.Dense(units))
"""
    assert output_shapes(only_model(code)) == [(None, 16), (None, 8), (None, 4)]


def test_custom_layers_and_lambdas_stay_unknown():
    code = """
import keras
from keras import layers

class Scale(layers.Layer):
    def call(self, x):
        return x * 2

inputs = keras.Input((8,))
x = layers.Dense(4)(inputs)
x = Scale()(x)
y = layers.Dense(2)(x)
z = layers.Lambda(lambda t: t[:, :1])(y)
w = layers.Lambda(lambda t: t[:, :1], output_shape=(1,))(y)
model = keras.Model(inputs, [z, w])
"""
    model = only_model(code)
    assert not model.complete
    assert model.output_shapes[0] is UNKNOWN
    # Lambda(output_shape=...) gives the sample's shape; the batch comes from the unknown input.
    assert model.output_shapes[1] == (UNKNOWN, 1)
    assert model.total_params is UNKNOWN


def test_lambda_functions_that_keep_the_shape():
    code = """
import keras
from keras import layers, ops
inputs = keras.Input((8, 3))
a = layers.Lambda(lambda t: t / 255.0)(inputs)
b = layers.Lambda(lambda t: ops.relu(-t * 2) + 1)(a)
c = layers.Lambda(lambda t: ops.mean(t, axis=1))(b)
model = keras.Model(inputs, [b, c])
"""
    assert only_model(code).output_shapes == [(None, 8, 3), UNKNOWN]


def test_changed_image_data_format():
    model = "model = keras.Sequential([keras.Input((3, 32, 32)), keras.layers.Conv2D(8, 3)])\n"
    set_once = "import keras\nkeras.config.set_image_data_format('channels_first')\n" + model
    assert output_shapes(only_model(set_once)) == [(None, 8, 30, 30)]
    legacy = "import keras.backend as K\nimport keras\nK.set_image_dim_ordering('th')\n" + model
    assert output_shapes(only_model(legacy)) == [(None, 8, 30, 30)]
    in_function = "import keras\ndef setup(fmt):\n    keras.config.set_image_data_format(fmt)\n" + model
    assert output_shapes(only_model(in_function)) == [(None, UNKNOWN, UNKNOWN, UNKNOWN)]


def test_a_users_own_dense_is_not_keras():
    code = """
import keras
def Dense(units):
    return keras.layers.Identity()
model = keras.Sequential([keras.Input((8,)), Dense(4)])
"""
    model = only_model(code)
    assert [layer.class_name for layer in model.layers] == ["Identity"]
    assert output_shapes(model) == [(None, 8)]


@pytest.mark.parametrize(
    "snippet",
    [
        "import keras\nm = keras.Sequential(*layers_list)\n",
        "import keras\nm = keras.Model()\n",
        "import keras\ndef f(n):\n    return f(n - 1)\nx = f(3)\nm = keras.Sequential([keras.Input(x)])\n",
        "import keras\nx = keras.Input((4,))\nwhile True:\n    x = keras.layers.Dense(2)(x)\n",
        "import keras\nx = keras.layers.Dense(2)(keras.layers.Dense(3))\n",
        "import keras\nm = keras.Sequential([1, 'a', None])\nm.add(m)\nm(m)\n",
        "import keras\nx = keras.Input(shape=(2, -1))\ny = keras.layers.Reshape(((),))(x)\n",
    ],
)
def test_odd_code_never_crashes(snippet):
    assert extract(snippet).failures == []


# -- what later rules use ------------------------------------------------------------------------


def test_compile_and_fit_calls_with_their_arguments():
    code = """
import numpy as np
import keras
def build():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
model = build()
model.fit(np.zeros((10, 4)), np.zeros((10, 3)), batch_size=5, epochs=2)
model.predict(np.zeros((2, 4)))
"""
    model = only_model(code)
    compile_call = model.compile_call
    assert compile_call.value("loss").value == "categorical_crossentropy"
    assert compile_call.argument("metrics") is not None
    fit = model.fit_calls[0]
    assert isinstance(fit.value("x"), Array) and fit.value("x").shape == (10, 4)
    assert isinstance(fit.value("batch_size"), Const) and fit.value("batch_size").value == 5
    assert len(model.predict_calls) == 1
    assert model.output_layers[0].argument("activation") == "softmax"
    assert model.output_layers[0].argument("units") == 3


def test_unit_at_finds_the_model_building_function():
    code = "import keras\n\ndef build():\n    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n\nmodel = build()\n"
    ctx = context_for(code)
    offset = code.index("Dense(3)")
    assert unit_at(ctx, offset).name == "build"
    assert unit_at(ctx, code.index("model = build")).is_module


def test_input_shape_after_a_conditional_layer_may_be_the_first():
    code = """
import sys
import keras
from keras import layers
model = keras.Sequential()
if len(sys.argv) > 1:
    model.add(layers.Dense(8, input_shape=(4,)))
model.add(layers.Dense(3, input_shape=(4,)))
"""
    assert extract(code).ignored_input_shapes == []


def test_running_a_function_on_its_own_leaves_module_models_alone():
    code = """
import keras
from keras import layers
model = keras.Sequential([keras.Input((4,))])

def add_head():
    model.add(layers.Dense(2))

add_head()
"""
    model = only_model(code)
    assert output_shapes(model) == [(None, 2)]


def test_one_line_blocks_run_too():
    code = """
import keras
from keras import layers
inputs = keras.Input((4,))
model = keras.Model(inputs, layers.Dense(2)(inputs))
for layer in model.layers[-1:]: layer.trainable = False
if True: extra = 1
"""
    model = only_model(code)
    assert model.weights() == (0, 10)
