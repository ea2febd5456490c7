"""Arrays passed to a model: one sample without its batch dimension, or an array whose literal
shape does not fit the model's input."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.models import Array, Model, extraction
from keras_lint.models.extract import AXES_CHECKED
from keras_lint.models.graph import MethodCall
from keras_lint.rules._shape_common import (
    DATA_METHODS,
    FAMILY,
)
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.shapes import (
    UNKNOWN,
    CallInputs,
    InvalidLayer,
    ShapeError,
    format_shape,
    infer,
)


def _numpy_alias(ctx: Context, scope) -> str | None:
    """A name that refers to numpy where the call is (`np` after `import numpy as np`)."""
    for statement, _scope in ctx.semantic.imports:
        if not isinstance(statement, cst.Import):
            continue
        for alias in statement.names:
            if getattr(alias.name, "value", None) != "numpy":
                continue
            name = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else "numpy"
            if ctx.qualified_name(cst.Name(name), scope) == "numpy":
                return name
    return None


def _model_input(model: Model | None) -> tuple | None:
    if model is None or len(model.inputs) != 1 or not model.complete:
        return None
    shape = model.inputs[0].shape
    if not isinstance(shape, tuple) or UNKNOWN in shape:
        return None
    return shape


def _x_argument(method_call: MethodCall) -> tuple[Array, cst.Arg] | None:
    value = method_call.value("x")
    arg = method_call.argument("x")
    if not isinstance(value, Array) or arg is None:
        return None
    return value, arg


def _matches_sample(array_shape: tuple, model_shape: tuple) -> bool:
    sample = model_shape[1:]
    if len(array_shape) != len(sample):
        return False
    return all(isinstance(a, int) and (b is None or a == b) for a, b in zip(array_shape, sample))


class MissingBatchDimension(Rule):
    """## What it does
    Finds `model.predict(x)`, `fit`, `evaluate` and the `*_on_batch` methods called on one sample
    that has no batch dimension: an image from `img_to_array` (shape `(height, width,
    channels)`), or an array shaped exactly like the model's input without its `None`.

    ## Why is this bad?
    Keras models always take a batch: the first dimension counts samples. Given one image of
    shape `(224, 224, 3)`, Keras reads it as 224 samples of shape `(224, 3)` and fails with
    "incompatible shape" (or, for some models, silently predicts on slices). The seed recipe is
    `x = np.expand_dims(x, axis=0)` to make a batch of one.

    ## Example
    ```python
    x = image.img_to_array(image.load_img(path, target_size=(224, 224)))
    preds = model.predict(x)
    ```

    ## Use instead
    ```python
    x = image.img_to_array(image.load_img(path, target_size=(224, 224)))
    preds = model.predict(np.expand_dims(x, axis=0))
    ```

    ## Fix safety
    The fix wraps the argument in `np.expand_dims(x, axis=0)` when NumPy is imported. It is safe
    when the model is known and takes exactly one more dimension than `x`; when the model is not
    known (a function parameter, say), it is unsafe.
    """

    code = "KRS608"
    name = "missing-batch-dimension"
    summary = "`predict`/`fit` given one sample without the batch dimension (`img_to_array` without `expand_dims`)"
    family = FAMILY
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
            x = np.zeros((7, 6, 3))
            preds = model.predict(np.expand_dims(x, axis=0), verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            from keras.preprocessing import image

            def classify(model, path):
                x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                x = np.expand_dims(x, axis=0)
                return model.predict(x)
            """), runnable=False),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
                x = np.zeros((7, 6, 3))
                preds = model.predict(x, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((7, 6, 3)), layers.Flatten(), layers.Dense(2)])
                x = np.zeros((7, 6, 3))
                preds = model.predict(np.expand_dims(x, axis=0), verbose=0)
                """),
            message="`x` has shape (7, 6, 3), one sample of the model's input (None, 7, 6, 3) without the batch dimension",
            keras=Raises("incompatible shape"),
            fixed_check="preds.shape == (1, 2)",
            applicability=Applicability.SAFE,
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.preprocessing import image

                def classify(model, path):
                    x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                    return model.predict(x)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.preprocessing import image

                def classify(model, path):
                    x = image.img_to_array(image.load_img(path, target_size=(7, 6)))
                    return model.predict(np.expand_dims(x, axis=0))
                """),
            message="`x` is one image of shape (7, 6, 3) from img_to_array",
            applicability=Applicability.UNSAFE,
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        for method_call in extraction(ctx).method_calls:
            if method_call.method not in DATA_METHODS:
                continue
            found = _x_argument(method_call)
            if found is None:
                continue
            array, arg = found
            if id(arg) in seen:
                continue
            model_shape = _model_input(method_call.model)
            written = ctx.outer_source(arg.value)
            if array.single:
                if model_shape is not None and len(model_shape) != len(array.shape) + 1:
                    continue
                what = f"`{written}` is one image of shape {format_shape(array.shape)} from img_to_array, with no batch dimension"
            elif model_shape is not None and _matches_sample(array.shape, model_shape):
                what = f"`{written}` has shape {format_shape(array.shape)}, one sample of the model's input {format_shape(model_shape)} without the batch dimension"
            else:
                continue
            seen.add(id(arg))
            first = array.shape[0]
            message = (
                f"{what}: `{method_call.method}` reads the first axis as the batch, so it sees {first} samples of shape "
                f"{format_shape(array.shape[1:])}. Add the batch dimension: np.expand_dims({written}, axis=0)"
            )
            fix = None
            numpy = _numpy_alias(ctx, method_call.call.scope)
            if numpy is not None:
                applicability = Applicability.SAFE if model_shape is not None else Applicability.UNSAFE
                replacement = f"{numpy}.expand_dims({written}, axis=0)"
                fix = self.make_fix(f"Write `{replacement}`", [Edit(*ctx.outer_span(arg.value), replacement)], applicability)
            yield self.finding(ctx, arg.value, message, fix)


class ArrayShapeMismatch(Rule):
    """## What it does
    Finds arrays of literal shape (`np.zeros(...)`, `np.random.rand(...)`, reshaped arrays)
    passed to `fit`, `evaluate` or `predict` whose shape provably does not fit the model's
    input.

    ## Why is this bad?
    Keras checks the data against the model's `Input` when it runs: an array of the wrong rank,
    or of the wrong size where the model needs a fixed one, fails with "incompatible shape"
    after all the data loading, or deep inside a layer. Found before running, the message shows
    both shapes and which dimension differs (the batch dimension, first, may be anything).

    ## Example
    ```python
    model = keras.Model(inputs, outputs)  # inputs = keras.Input((28, 28, 1))
    model.predict(np.zeros((5, 32, 32, 1)))
    ```

    ## Use instead
    Resize the data to the model's input, or build the model for the data's size.
    """

    code = "KRS609"
    name = "array-shape-mismatch"
    summary = "An array of literal shape passed to `fit`/`predict` that does not fit the model's input"
    family = FAMILY
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            inputs = keras.Input((28, 28, 1))
            outputs = layers.Dense(2)(layers.Flatten()(inputs))
            model = keras.Model(inputs, outputs)
            preds = model.predict(np.zeros((5, 28, 28, 1)), verbose=0)
            """)),
        Valid(dedent("""
            import numpy as np
            import keras
            from keras import layers
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3), layers.GlobalAveragePooling2D()])
            preds = model.predict(np.zeros((5, 32, 32, 1)), verbose=0)
            """), note="a Sequential made of convolutions takes other image sizes"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                inputs = keras.Input((28, 28, 1))
                outputs = layers.Dense(2)(layers.Flatten()(inputs))
                model = keras.Model(inputs, outputs)
                preds = model.predict(np.zeros((5, 32, 32, 1)), verbose=0)
                """),
            message="has shape (5, 32, 32, 1) but the model's input is (None, 28, 28, 1) (None is the batch dimension): dimension 1 is 32, not 28",
            keras=Raises("is incompatible with the layer"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                from keras import layers
                model = keras.Sequential([keras.Input((784,)), layers.Dense(10)])
                preds = model.predict(np.zeros((5, 28, 28)), verbose=0)
                """),
            message="has 3 dimensions but the model's input (None, 784) has 2",
            keras=Raises("incompatible shape"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[int] = set()
        for method_call in extraction(ctx).method_calls:
            if method_call.method not in DATA_METHODS:
                continue
            found = _x_argument(method_call)
            model_shape = _model_input(method_call.model)
            if found is None or model_shape is None:
                continue
            array, arg = found
            if id(arg) in seen or array.single or not all(isinstance(d, int) for d in array.shape):
                continue
            problem = self._problem(array.shape, model_shape, method_call.model)
            if problem is None:
                continue
            seen.add(id(arg))
            written = ctx.outer_source(arg.value)
            yield self.finding(ctx, arg.value, f"`{written}` {problem}")

    @staticmethod
    def _problem(shape: tuple, model_shape: tuple, model: Model) -> str | None:
        if len(shape) != len(model_shape):
            if len(shape) == len(model_shape) - 1:
                # One sample (KRS608), or the trailing 1 Keras 3 adds to functional inputs.
                return None
            if len(shape) == len(model_shape) + 1 and shape[-1] == 1:
                return None
            return (
                f"has {len(shape)} dimensions but the model's input {format_shape(model_shape)} has {len(model_shape)} "
                f"(None is the batch dimension): {format_shape(shape)} cannot be fed to it"
            )
        differing = [i for i in range(1, len(shape)) if model_shape[i] is not None and shape[i] != model_shape[i]]
        if not differing:
            return None
        first = differing[0]
        text = (
            f"has shape {format_shape(shape)} but the model's input is {format_shape(model_shape)} (None is the batch dimension): "
            f"dimension {first} is {shape[first]}, not {model_shape[first]}"
        )
        if model.kind == "functional":
            return text
        failure = _sequential_failure(model, (None, *shape[1:]))
        return f"{text}; {failure}" if failure else None


def _sequential_failure(model: Model, shape: tuple) -> str | None:
    """Run a Sequential's layers on another input shape: the first shape error, or None."""
    current = shape
    for layer in model.layers:
        if layer.config is None:
            return None
        try:
            result = infer(layer.config, CallInputs(current))
        except ShapeError as error:
            return f"{layer.name} fails on it: {error.message}"
        except InvalidLayer:
            return None
        if layer.built and result.trainable != layer.trainable_params and layer.class_name in AXES_CHECKED:
            return f"{layer.name} was built for the model's input and cannot take {format_shape(current)}"
        if not isinstance(result.output, tuple):
            return None
        current = result.output
    return None

