"""Name resolution and constant propagation on real LibCST trees."""

from __future__ import annotations

import libcst as cst
import pytest

from keras_lint.context import Context
from keras_lint.semantic.model import SemanticModel
from keras_lint.semantic.names import keras_name, star_exports
from keras_lint.settings import Settings


def context(code: str) -> Context:
    module = cst.parse_module(code)
    return Context(code, "t.py", module, SemanticModel(module, star_exports), Settings())


def callee_paths(code: str) -> list[str | None]:
    """The canonical Keras path of every call's callee, in source order."""
    ctx = context(code)
    return [call.name.path if call.name else None for call in ctx.calls]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import keras\nkeras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("from keras import layers as L\nL.Dense(3)\n", "keras.layers.Dense"),
        ("from keras.layers import Dense as D\nD(3)\n", "keras.layers.Dense"),
        ("from keras.layers import *\nDense(3)\n", "keras.layers.Dense"),
        ("from keras.models import *\nSequential()\n", "keras.models.Sequential"),
        ("from keras.optimizers import *\nAdam()\n", "keras.optimizers.Adam"),
        ("import tensorflow as tf\ntf.keras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("from tensorflow import keras\nkeras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("from tensorflow.keras.layers import Dense\nDense(3)\n", "keras.layers.Dense"),
        ("from tensorflow.python.keras.layers import Dense\nDense(3)\n", "keras.layers.Dense"),
        ("import tf_keras\ntf_keras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("from keras.layers.core import Dense\nDense(3)\n", "keras.layers.Dense"),
        ("from keras.layers.convolutional import Convolution2D\nConvolution2D(3, 3)\n", "keras.layers.Convolution2D"),
        ("from keras.layers.merge import concatenate\nconcatenate([])\n", "keras.layers.concatenate"),
        ("from keras.layers import merge\nmerge([])\n", "keras.layers.merge"),
        ("from keras.engine.topology import Layer\nLayer()\n", "keras.layers.Layer"),
        ("from keras.engine.training import Model\nModel()\n", "keras.models.Model"),
        ("from keras.utils.np_utils import to_categorical\nto_categorical([1])\n", "keras.utils.to_categorical"),
        ("import keras.utils.np_utils as np_utils\nnp_utils.to_categorical([1])\n", "keras.utils.to_categorical"),
        ("from keras.src import layers\nlayers.Dense(3)\n", "keras.layers.Dense"),
        ("try:\n    from tensorflow import keras\nexcept ImportError:\n    import keras\nkeras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("import keras\nL = keras.layers\nL.Dense(3)\n", "keras.layers.Dense"),
        ("import keras.layers\nkeras.layers.Dense(3)\n", "keras.layers.Dense"),
        ("import tensorflow.keras.layers as KL\nKL.Conv2D(3, 3)\n", "keras.layers.Conv2D"),
        ("def f():\n    from keras.layers import Dense\n    return Dense(3)\n", "keras.layers.Dense"),
    ],
)
def test_import_styles_resolve_to_canonical_names(code, expected):
    assert expected in callee_paths(code)


@pytest.mark.parametrize(
    "code",
    [
        # a user's own function, class, parameter or variable of a Keras name
        "from keras.layers import *\ndef merge(xs, mode='sum'):\n    return xs\nmerge([1], mode='concat')\n",
        "from keras.layers import Dense\ndef build(Dense):\n    return Dense(3)\n",
        "from keras.layers import Dense\nclass Dense:\n    pass\nDense()\n",
        "from keras.layers import Dense\nDense = make_layer\nDense(3)\n",
        "import pandas as pd\npd.merge(a, b)\n",
        "import numpy as np\nnp.concatenate([a, b])\n",
        # a later star import from an unknown module may shadow the Keras name
        "from keras.layers import *\nfrom numpy import *\nconcatenate([a, b])\n",
        "from .layers import Dense\nDense(3)\n",
        "from keras.layers import Dense\nfor Dense in layers:\n    Dense(3)\n",
    ],
)
def test_user_names_are_not_keras(code):
    assert all(path is None for path in callee_paths(code))


def test_class_scope_is_not_visible_from_methods():
    code = "import keras\nclass M:\n    Dense = keras.layers.Dense\n    def build(self):\n        return Dense(3)\n"
    assert callee_paths(code) == [None]


def test_global_rebinding_makes_a_constant_unknown():
    code = "import keras\nshape = (12)\ndef reset():\n    global shape\n    shape = (3,)\nkeras.Input(shape)\n"
    ctx = context(code)
    call = [c for c in ctx.keras_calls][0]
    assert ctx.constant(call.node.args[0].value, call.scope) is None


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("x = (12)\n", 12),
        ("x = 12,\n", (12,)),
        ("n = 4\nx = n * 2\n", 8),
        ("s = (28, 28)\nx = s + (1,)\n", (28, 28, 1)),
        ("s = (1, 28, 28, 3)\nx = s[1:]\n", (28, 28, 3)),
        ("s = (28, 28)\nx = (*s, 3)\n", (28, 28, 3)),
        ("x = -1\n", -1),
        ("x = 'a' 'b'\n", "ab"),
        ("x = len((1, 2, 3))\n", 3),
        ("def f(size=(256, 256, 1)):\n    x = size\n", (256, 256, 1)),
    ],
)
def test_constant_propagation(code, value):
    ctx = context(code + "keras_marker = 1\n")
    # evaluate the last binding of `x`
    bindings = None
    for scope in [ctx.semantic.module_scope, *[f.body_scope for f in ctx.semantic.functions]]:
        if "x" in scope.bindings:
            bindings = scope.bindings["x"]
    assert bindings is not None
    constant = ctx.constant(cst.Name("x"), bindings[0].scope)
    assert constant is not None and constant.value == value


@pytest.mark.parametrize(
    "code",
    [
        "x = [12]\nx.append(3)\n",  # mutated list
        "x = 1\nx = 2\n",  # bound twice
        "x = f()\n",
        "for x in range(3):\n    pass\n",
        "x = 1\nx += 1\n",
    ],
)
def test_unknown_values_stay_unknown(code):
    ctx = context(code)
    assert ctx.constant(cst.Name("x"), ctx.semantic.module_scope) is None


def test_keras_name_flavours():
    assert keras_name("tensorflow.keras.layers.Dense").flavour == "tf.keras"
    assert keras_name("tf_keras.layers.Dense").flavour == "tf_keras"
    assert keras_name("keras.layers.core.Dense").legacy_module == "keras.layers.core"
    assert keras_name("keras.layers.Convolution2D").api == "keras.layers.Conv2D"
    assert keras_name("numpy.zeros") is None
    assert keras_name("kerasx.layers") is None
    assert "merge" in star_exports("keras.layers") and "Dense" in star_exports("keras.layers")
    assert star_exports("numpy") is None


def test_code_expected_to_raise_is_not_reported():
    from keras_lint.engine import lint_text

    code = (
        "import pytest\nimport keras\n"
        "with pytest.raises(ValueError):\n    keras.Input(shape=(12))\n"
        "class T:\n    def test(self):\n        with self.assertRaises(ValueError):\n            keras.activations.get('typo')\n"
        "keras.Input(shape=(13))\n"
    )
    findings = lint_text(code, "t.py", Settings()).findings
    assert [f.row for f in findings] == [9]
