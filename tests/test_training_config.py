"""The training-configuration rules (KRS7xx) beyond their own examples: silence on correct code
and on the model code of the installed Keras, precision (custom losses, custom layers, unknown
activations, parameters), one finding per model instance that really has the bug, per-output
losses, and the model API they read (output heads, labels)."""

from __future__ import annotations

import glob
import os

import pytest
from lint_helpers import lint
from models_helpers import context_for

from keras_lint.knowledge import keras3
from keras_lint.models import OneHot, extraction, models_of
from keras_lint.models.heads import output_heads
from keras_lint.rules import all_rules
from keras_lint.rules._training_config import loss_spellings, trainings

FAMILY_RULES = [rule for rule in all_rules() if rule.code.startswith("KRS7")]


def findings(code: str) -> list[tuple[str, str]]:
    result = lint(code)
    assert not result.internal_errors, result.internal_errors
    return [(f.code, f.message) for f in result.findings if f.code.startswith("KRS7")]


def codes(code: str) -> list[str]:
    return sorted(code for code, _ in findings(code))


def test_the_family_has_ten_rules():
    assert [rule.code for rule in FAMILY_RULES] == [f"KRS7{n:02d}" for n in range(1, 11)]


def test_every_loss_spelling_is_one_keras_accepts():
    accepted = keras3.identifiers("losses")
    assert set(loss_spellings()) <= accepted, set(loss_spellings()) - accepted


# -- silence ------------------------------------------------------------------------------------------


def _keras_applications() -> list[str]:
    import importlib.util

    spec = importlib.util.find_spec("keras")
    root = os.path.join(os.path.dirname(spec.origin), "src", "applications")
    return sorted(p for p in glob.glob(os.path.join(root, "*.py")) if not p.endswith("_test.py"))


def test_silent_on_the_model_code_of_keras_applications():
    paths = _keras_applications()
    assert len(paths) > 10
    softmax_heads = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        result = lint(text, filename=path)
        assert not result.internal_errors, (path, result.internal_errors)
        assert [f for f in result.findings if f.code.startswith("KRS7")] == [], path
        if "keras" not in text:
            continue
        ctx = context_for(text, path)
        for model in models_of(ctx):
            softmax_heads += sum(1 for h in output_heads(ctx, model) if h.activation == "softmax" and h.units == 1000)
    # Not silent for want of looking: the ImageNet classifiers' heads are read.
    assert softmax_heads >= 12


CORRECT = {
    "sigmoid and binary crossentropy": """
        import numpy as np
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(np.zeros((4, 8)), np.array([0, 1, 1, 0]), verbose=0)
        """,
    "logits with from_logits=True": """
        import keras
        import tensorflow as tf
        inputs = keras.Input((8,))
        logits = keras.layers.Dense(10)(inputs)
        model = keras.Model(inputs, logits)
        model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        """,
    "binary logits with from_logits=True": """
        import keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
        """,
    "Activation as a separate layer": """
        from keras.models import Sequential
        from keras.layers import Dense, Activation, Dropout, Input
        model = Sequential()
        model.add(Input((8,)))
        model.add(Dense(10))
        model.add(Dropout(0.5))
        model.add(Activation("softmax"))
        model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
        """,
    "Softmax layer, keras.activations and tf.nn": """
        import keras
        import tensorflow as tf
        from keras import layers
        a = keras.Sequential([keras.Input((8,)), layers.Dense(3), layers.Softmax()])
        a.compile(loss="categorical_crossentropy")
        b = keras.Sequential([keras.Input((8,)), layers.Dense(3, activation=keras.activations.softmax)])
        b.compile(loss=keras.losses.categorical_crossentropy)
        c = keras.Sequential([keras.Input((8,)), layers.Dense(1, activation=tf.nn.sigmoid)])
        c.compile(loss="bce", metrics=["acc"])
        """,
    "regression": """
        import keras
        model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mse", metrics=["mae", keras.metrics.RootMeanSquaredError()])
        """,
    "compile's crossentropy chooses by shape": """
        import keras
        one = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
        one.compile(loss="crossentropy", metrics=["accuracy"])
        many = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="softmax")])
        many.compile(loss="CrossEntropy", metrics=["Accuracy"])
        """,
    "one-hot labels for a categorical loss": """
        import numpy as np
        from keras.datasets import mnist
        from keras.utils import to_categorical
        from keras import Sequential, Input, layers
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
        num_classes = 10
        y_train = to_categorical(y_train, num_classes)
        y_test = to_categorical(y_test, num_classes)
        model = Sequential([Input((28, 28)), layers.Flatten(), layers.Dense(num_classes, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(x_train, y_train, validation_data=(x_test, y_test))
        """,
    "class ids for a sparse loss": """
        import keras
        (x_train, y_train), _ = keras.datasets.cifar10.load_data()
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(x_train, y_train)
        """,
    "a GAN's discriminator on logits": """
        import keras
        from keras import layers
        discriminator = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(1)])
        discriminator.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
        """,
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_silent_on_correct_code(name):
    from keras_lint.rules.base import dedent

    assert findings(dedent(CORRECT[name])) == []


UNKNOWN = {
    "a custom loss": """
        import keras
        def focal(y_true, y_pred):
            return keras.ops.mean(y_true - y_pred)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(loss=focal, metrics=[keras.metrics.Accuracy()])
        """,
    "a custom output layer": """
        import keras
        class Head(keras.layers.Layer):
            def call(self, x):
                return x
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid"), Head()])
        model.compile(loss="categorical_crossentropy")
        """,
    "a Lambda output": """
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Lambda(lambda t: t * 2)])
        model.compile(loss="categorical_crossentropy")
        """,
    "an activation passed in": """
        import keras
        def build(activation, loss):
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=activation)])
            model.compile(loss=loss)
            return model
        """,
    "a loss whose from_logits is a parameter": """
        import keras
        def build(logits=False):
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=logits))
            return model
        model = build(True)
        """,
    "an activation chosen at run time": """
        import sys
        import keras
        activation = "softmax" if len(sys.argv) > 1 else "sigmoid"
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation=activation)])
        model.compile(loss="binary_crossentropy")
        """,
    "labels from a generator": """
        import keras
        def batches():
            yield None
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(batches())
        """,
    "a user's own Dense": """
        import keras
        def Dense(units, activation=None):
            return keras.layers.Dense(units, activation="softmax")
        model = keras.Sequential([keras.Input((4,)), Dense(3)])
        model.compile(loss="categorical_crossentropy")
        """,
}


@pytest.mark.parametrize("name", sorted(UNKNOWN))
def test_silent_when_the_code_does_not_prove_it(name):
    from keras_lint.rules.base import dedent

    assert findings(dedent(UNKNOWN[name])) == []


# -- which model instance ------------------------------------------------------------------------------


def test_a_function_called_with_other_arguments_is_checked_as_called():
    code = (
        "import keras\n"
        "def build(units=1, activation='sigmoid', loss='binary_crossentropy'):\n"
        "    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])\n"
        "    model.compile(optimizer='adam', loss=loss)\n"
        "    return model\n"
        "binary = build()\n"
        "multiclass = build(10, 'softmax', 'binary_crossentropy')\n"
    )
    found = findings(code)
    assert [c for c, _ in found] == ["KRS703"]
    assert "`loss` (here 'binary_crossentropy') on a softmax over 10 classes" in found[0][1]
    # Called only with matching arguments: nothing to say.
    assert findings(code.replace("multiclass = build(10, 'softmax', 'binary_crossentropy')", "multiclass = build(10, 'softmax', 'categorical_crossentropy')")) == []


def test_one_finding_per_place_however_many_instances():
    code = (
        "import keras\n"
        "def build():\n"
        "    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])\n"
        "    model.compile(loss='categorical_crossentropy')\n"
        "    return model\n"
        "a = build()\n"
        "b = build()\n"
    )
    assert codes(code) == ["KRS701"]


# -- several outputs ------------------------------------------------------------------------------------


MULTI_OUTPUT = """
import keras
from keras import layers
inputs = keras.Input((8,))
x = layers.Dense(16, activation="relu")(inputs)
kind = layers.Dense(5, activation="softmax", name="kind")(x)
price = layers.Dense(1, name="price")(x)
flag = layers.Dense(1, activation="sigmoid", name="flag")(x)
model = keras.Model(inputs, [kind, price, flag])
"""


def test_losses_and_metrics_per_output_by_name():
    code = MULTI_OUTPUT + (
        "model.compile(optimizer='adam',\n"
        "              loss={'kind': 'categorical_crossentropy', 'price': 'mse', 'flag': 'categorical_crossentropy'},\n"
        "              metrics={'price': ['accuracy'], 'kind': [keras.metrics.Accuracy()]})\n"
    )
    found = findings(code)
    assert sorted(c for c, _ in found) == ["KRS701", "KRS709", "KRS710"]
    assert "name=\"flag\"" in next(m for c, m in found if c == "KRS701")


def test_losses_per_output_by_position():
    code = MULTI_OUTPUT + "model.compile(optimizer='adam', loss=['binary_crossentropy', 'mse', 'binary_crossentropy'])\n"
    assert codes(code) == ["KRS703"]
    # One loss for every output: the 1-unit outputs get a categorical crossentropy too (one
    # finding where the loss is written).
    code = MULTI_OUTPUT + "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
    assert codes(code) == ["KRS701"]


def test_a_loss_list_that_does_not_match_the_outputs_is_left_alone():
    code = MULTI_OUTPUT + "model.compile(optimizer='adam', loss=['binary_crossentropy', 'mse'])\n"
    assert codes(code) == []


# -- the model API: output heads and labels -------------------------------------------------------------


def _heads(code: str):
    ctx = context_for(code)
    return [(h.activation, h.units) for m in models_of(ctx) for h in output_heads(ctx, m)]


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ("layers.Dense(3)", ("linear", 3)),
        ("layers.Dense(3, activation=None)", ("linear", 3)),
        ("layers.Dense(3, 'softmax')", ("softmax", 3)),
        ("layers.Dense(3, activation=keras.activations.softmax)", ("softmax", 3)),
        ("layers.Dense(3, activation=keras.ops.sigmoid)", ("sigmoid", 3)),
        ("layers.Dense(3, activation=tf.nn.softmax)", ("softmax", 3)),
        ("layers.Dense(3, activation='swish')", ("silu", 3)),
        ("layers.Dense(3), layers.Activation('softmax')", ("softmax", 3)),
        ("layers.Dense(3), layers.Softmax()", ("softmax", 3)),
        ("layers.Dense(3, activation='sigmoid'), layers.Dropout(0.5)", ("sigmoid", 3)),
        ("layers.Dense(3, activation='softmax'), layers.Activation('linear')", ("softmax", 3)),
        ("layers.Dense(3), layers.ReLU()", ("relu", 3)),
        ("layers.Dense(3), layers.BatchNormalization()", (None, 3)),
        ("layers.Dense(3), layers.Lambda(lambda t: t)", (None, 3)),
        ("layers.Dense(3, activation='Softmax')", (None, 3)),
    ],
)
def test_output_head(layers, expected):
    code = f"import keras\nimport tensorflow as tf\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((4,)), {layers}])\n"
    assert _heads(code) == [expected]


def test_output_heads_of_a_functional_model_and_a_nested_one():
    code = (
        "import keras\n"
        "from keras import layers\n"
        "head = keras.Sequential([keras.Input((8,)), layers.Dense(2), layers.Activation('softmax')])\n"
        "inputs = keras.Input((4,))\n"
        "features = layers.Dense(8, activation='relu')(inputs)\n"
        "model = keras.Model(inputs, [head(features), layers.Dense(1)(features)])\n"
    )
    assert _heads(code) == [("softmax", 2), ("softmax", 2), ("linear", 1)]


def _labels(code: str):
    return [m.value("y") for m in extraction(context_for(code)).method_calls if m.method == "fit"]


def test_labels_from_to_categorical_and_numpy():
    code = (
        "import numpy as np\n"
        "import keras\n"
        "from keras.utils import to_categorical\n"
        "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n"
        "y = np.random.randint(0, 3, size=(100,))\n"
        "model.fit(None, to_categorical(y, 3))\n"
        "model.fit(None, to_categorical(y.reshape(-1, 1)))\n"
        "model.fit(None, keras.utils.to_categorical(load()).astype('float32'))\n"
        "model.fit(None, y)\n"
        "model.fit(None, y.astype('float32'))\n"
        "model.fit(None, np.zeros((100,), dtype='int64'))\n"
        "model.fit(None, np.array([[0, 1], [1, 0]]))\n"
    )
    one, two, three, ids, floats, zeros, literal = _labels(code)
    assert isinstance(one, OneHot) and one.classes == 3 and one.shape == (100, 3)
    assert isinstance(two, OneHot) and two.shape == (100, two.classes) and two.classes is not None
    assert isinstance(three, OneHot) and three.shape is not None
    assert ids.shape == (100,) and ids.dtype == "int"
    assert floats.dtype == "float"
    assert zeros.dtype == "int"
    assert literal.shape == (2, 2) and literal.dtype == "int"


def test_labels_of_the_keras_datasets_are_class_ids():
    code = (
        "import keras\n"
        "(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()\n"
        "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n"
        "model.fit(x_train, y_train)\n"
    )
    (labels,) = _labels(code)
    assert labels.shape == (50000, 1) and labels.dtype == "int"


def test_trainings_read_every_loss_form():
    code = (
        "import keras\n"
        "from keras.losses import BinaryCrossentropy, binary_crossentropy\n"
        "def model():\n"
        "    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])\n"
        "a = model(); a.compile(loss='bce')\n"
        "b = model(); b.compile(loss=binary_crossentropy)\n"
        "c = model(); c.compile(loss=BinaryCrossentropy(from_logits=True))\n"
        "loss = keras.losses.BinaryCrossentropy(True)\n"
        "d = model(); d.compile(loss=loss)\n"
        "e = model(); e.compile('adam', 'crossentropy', ['acc'])\n"
    )
    seen = {}
    for training in trainings(context_for(code)):
        loss = training.losses.get(0)
        seen[training.compile.call.node.func.value.value] = (loss.family, loss.form, loss.from_logits) if loss else None
    assert seen == {
        "a": ("binary", "string", False),
        "b": ("binary", "function", False),
        "c": ("binary", "object", True),
        "d": ("binary", "object", True),
        "e": ("auto", "string", False),
    }


def test_a_softmax_over_time_steps_after_a_softmax_over_classes_is_not_stacking():
    code = (
        "import keras\n"
        "from keras import layers\n"
        "inputs = keras.Input((10, 8))\n"
        "x = layers.Dense(4, activation='softmax')(inputs)\n"
        "weights = layers.Softmax(axis=1)(x)\n"
        "same = layers.Softmax(axis=2)(x)\n"
        "model = keras.Model(inputs, [weights, same])\n"
    )
    found = findings(code)
    assert [c for c, _ in found] == ["KRS706"] and "Softmax(axis=2)" in found[0][1]


# -- fixes at places several model instances share ------------------------------------------------------


def _fixes(code: str, rule_code: str) -> list:
    from keras_lint.diagnostics import Applicability

    result = lint(code)
    return [f.fix.applicability for f in result.findings if f.code == rule_code and f.fix is not None and f.fix.applicability is not Applicability.DISPLAY_ONLY]


def test_no_fix_where_another_call_of_the_function_needs_something_else():
    code = (
        "import keras\n"
        "def build(activation='sigmoid'):\n"
        "    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation=activation)])\n"
        "    model.compile(loss='categorical_crossentropy')\n"
        "    return model\n"
        "a = build()\n"
    )
    assert len(_fixes(code, "KRS701")) == 1  # every build is a sigmoid: binary_crossentropy
    assert codes(code + "b = build('relu')\n") == ["KRS701"]
    assert _fixes(code + "b = build('relu')\n", "KRS701") == []


def test_labels_fitted_outside_the_function_that_compiles_give_the_fix():
    code = (
        "import numpy as np\n"
        "import keras\n"
        "def build():\n"
        "    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='softmax')])\n"
        "    model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
        "    return model\n"
        "model = build()\n"
        "model.fit(np.zeros((6, 4)), np.array([0, 1, 2, 0, 1, 2]))\n"
    )
    assert codes(code) == ["KRS707"]
    assert len(_fixes(code, "KRS707")) == 1


def test_a_softmax_layer_built_for_several_models_is_not_edited_for_one():
    code = (
        "import keras\n"
        "from keras import layers\n"
        "def head(units=1):\n"
        "    return layers.Dense(units, activation='softmax')\n"
        "one = keras.Sequential([keras.Input((4,)), head()])\n"
        "many = keras.Sequential([keras.Input((4,)), head(5)])\n"
    )
    assert codes(code) == ["KRS702"]
    assert _fixes(code, "KRS702") == []


def test_a_stacked_softmax_is_not_removed_where_the_layer_feeds_something_else():
    code = (
        "import keras\n"
        "from keras import layers\n"
        "inputs = keras.Input((4,))\n"
        "probabilities = layers.Dense(3, activation='softmax')(inputs)\n"
        "twice = layers.Activation('softmax')(probabilities)\n"
        "model = keras.Model(inputs, twice)\n"
    )
    assert codes(code) == ["KRS706"]
    assert len(_fixes(code, "KRS706")) == 1
    shared = code + "other = keras.Model(inputs, layers.Dense(2)(probabilities))\n"
    assert codes(shared) == ["KRS706"]
    assert _fixes(shared, "KRS706") == []


def test_tf_losses_is_keras_losses():
    code = (
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(5, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss=tf.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=[tf.metrics.Accuracy()])\n"
    )
    assert codes(code) == ["KRS705", "KRS710"]


def test_validation_labels_encoded_differently_from_the_training_labels():
    code = (
        "from keras.datasets import mnist\n"
        "from keras.utils import to_categorical\n"
        "import keras\n"
        "(x_train, y_train), (x_test, y_test) = mnist.load_data()\n"
        "model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n"
        "model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
        "model.fit(x_train, to_categorical(y_train, 10), validation_data=(x_test, y_test))\n"
    )
    found = findings(code)
    assert [c for c, _ in found] == ["KRS707"]
    assert found[0][1].startswith("the labels `y_test` (`mnist.load_data()`) are class ids")
    assert _fixes(code, "KRS707") == []
