"""Models and training calls: the Keras 1/2 `Model` constructor keywords, `fit`/`evaluate`/
`predict` arguments, the generator methods, `predict_classes`, `compile` arguments, saving
paths, callbacks and removed model methods (catalog §1.2 model_constructor, generator_methods,
fit nb_epoch; §2.3; §5).

Receivers. `model.fit(...)` has no callee keras-lint can resolve. These rules act on a method
call when its receiver is provably a Keras model (`semantic.keras_models`: a name bound to
`Sequential(...)`, `Model(...)`, `load_model(...)`, or the result of a function of the same
file that returns one), or, for method names and keywords that only Keras has
(`fit_generator`, `predict_classes`, `fit(nb_epoch=)`, `fit(use_multiprocessing=)`), when the
file imports Keras. Generic names (`save`, `save_weights`, `predict_proba`, `to_yaml`,
`reset_states`) need a provable model: scikit-learn has `predict_proba` and every other
library a `save`.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge import legacy
from keras_lint.rules._targets import keras3_applies
from keras_lint.rules.base import Invalid, Raises, Rule, Silent, Valid, dedent
from keras_lint.semantic.keras_models import generator_batch_size, is_keras_model
from keras_lint.semantic.model import BindingKind, Scope
from keras_lint.semantic.names import keras_name

_KERAS1_FIT_KEYWORDS = frozenset({"nb_epoch", "show_accuracy"})


def _training() -> dict:
    return legacy.data().get("training", {})


def _receiver(call: Call) -> cst.BaseExpression | None:
    func = call.node.func
    return func.value if isinstance(func, cst.Attribute) else None


def is_model_method(ctx: Context, call: Call, *, keras_specific: bool = False) -> bool:
    """Whether `<receiver>.<method>(...)` is a Keras model's method: the receiver is provably a
    model, or (when the method or its keywords exist only in Keras) the file imports Keras."""
    receiver = _receiver(call)
    if receiver is None or call.name is not None:
        return False
    qualified = ctx.qualified_name(receiver, call.scope)
    if qualified is not None and keras_name(qualified) is None:
        return False  # a module or object imported from elsewhere
    if is_keras_model(ctx, receiver, call.scope):
        return True
    return keras_specific and ctx.imports_keras


def _method(call: Call) -> str:
    return call.node.func.attr.value


def _string_constant(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> tuple[str, cst.SimpleString] | None:
    constant = ctx.constant(expr, scope)
    if constant is None or not isinstance(constant.value, str) or not isinstance(constant.node, cst.SimpleString):
        return None
    return constant.value, constant.node


def _with_value(literal: cst.SimpleString, value: str) -> str:
    return f"{literal.prefix}{literal.quote}{value}{literal.quote}"


# -- KRS401 --------------------------------------------------------------------------------------


class ModelInputOutputKeywords(Rule):
    """## What it does
    Finds `Model(input=..., output=...)` (Keras 1's keyword names, also on Keras 1's
    `Container` and Keras 2's `Network`) and renames them `inputs=` and `outputs=`.

    ## Why is this bad?
    Keras 2 accepted the old names with a warning; tf.keras and Keras 3 reject them: `ValueError:
    Unrecognized keyword arguments passed to Model: {'input': <KerasTensor ...>, 'output': ...}`.
    The seed's U-Net and most Keras 1 tutorials build their models this way.

    ## Example
    ```python
    model = Model(input=inputs, output=conv10)
    ```

    ## Use instead
    ```python
    model = Model(inputs=inputs, outputs=conv10)
    ```

    ## Fix safety
    Safe: the same arguments under their Keras 2 names. A call that passes both spellings is
    explained, not rewritten.
    """

    code = "KRS401"
    name = "model-input-output-keywords"
    summary = "`Model(input=, output=)`: Keras 1 keyword names that tf.keras and Keras 3 reject"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            inputs = keras.Input((4,))
            model = keras.Model(inputs=inputs, outputs=keras.layers.Dense(1)(inputs))
            """)),
        Valid(dedent("""
            class Model:
                def __init__(self, input=None, output=None):
                    self.input, self.output = input, output
            import keras
            m = Model(input=1, output=2)
            """), note="a user's own Model"),
        Invalid(
            dedent("""
                from keras.models import *
                from keras.layers import *
                inputs = Input((32,))
                conv10 = Dense(1, activation='sigmoid')(inputs)
                model = Model(input = inputs, output = conv10)
                """),
            fixed=dedent("""
                from keras.models import *
                from keras.layers import *
                inputs = Input((32,))
                conv10 = Dense(1, activation='sigmoid')(inputs)
                model = Model(inputs = inputs, outputs = conv10)
                """),
            message="Unrecognized keyword arguments passed to Model: {'input': ..., 'output': ...}",
            keras=Raises("Unrecognized keyword arguments passed to Model"),
            fixed_check="model.output_shape == (None, 1)",
        ),
        Invalid(
            dedent("""
                from keras.engine.topology import Container
                from keras.layers import Input, Dense
                x = Input((4,))
                net = Container(input=x, output=Dense(2)(x))
                """),
            fixed=dedent("""
                from keras.engine.topology import Container
                from keras.layers import Input, Dense
                x = Input((4,))
                net = Container(inputs=x, outputs=Dense(2)(x))
                """),
            runnable=False,
            note="Keras 1's Container; its import path is KRS3xx's",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                x = tf.keras.Input((4,))
                model = tf.keras.Model(input=x, output=tf.keras.layers.Dense(1)(x))
                """),
            fixed=dedent("""
                import tensorflow as tf
                x = tf.keras.Input((4,))
                model = tf.keras.Model(inputs=x, outputs=tf.keras.layers.Dense(1)(x))
                """),
            settings={"target-keras": "2"},
            keras=Raises("Unrecognized keyword arguments passed to Model"),
            note="Keras 1 code is reported for tf.keras 2 too",
        ),
        Invalid(
            dedent("""
                import keras
                x = keras.Input((4,))
                model = keras.Model(input=x, inputs=x, outputs=keras.layers.Dense(1)(x))
                """),
            fixed=None,
            message="silently ignores",
            keras=Silent("len(model.inputs) == 1"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.calls_to("keras.Model"):
            old = [call.keyword(name) for name in ("input", "output")]
            old = [arg for arg in old if arg is not None]
            if not old:
                continue
            written = ctx.source_of(call.node.func)
            keras_says = "Keras 3 raises \"ValueError: Unrecognized keyword arguments passed to Model: {" + ", ".join(f"'{a.keyword.value}': ..." for a in old) + "}\""
            if any(call.keyword(a.keyword.value + "s") is not None for a in old):
                message = (f"`{written}(...)` passes both Keras 1's `input`/`output` and `inputs`/`outputs`: Keras 2 raised TypeError, "
                           "Keras 3 silently ignores the Keras 1 ones. Remove them and check that `inputs=`/`outputs=` are what you mean")
                yield self.finding(ctx, call.node, message, self.make_fix("Remove the Keras 1 keywords", [], Applicability.DISPLAY_ONLY))
                continue
            renames = ", ".join(f"`{a.keyword.value}=` → `{a.keyword.value}s=`" for a in old)
            message = f"`{written}({', '.join(a.keyword.value + '=...' for a in old)})` uses Keras 1's keyword names: {keras_says}. Rename {renames}"
            edits = [ctx.replace(arg.keyword, arg.keyword.value + "s") for arg in old]
            yield self.finding(ctx, call.node, message, self.make_fix("Rename to `inputs=` / `outputs=`", edits))


# -- KRS402 ---------------------------------------------------------------------------------------

_TRAINING_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


class FitKeras1Keyword(Rule):
    """## What it does
    Finds Keras 1 keywords in `fit`/`evaluate`: `fit(nb_epoch=10)` becomes `fit(epochs=10)`;
    `show_accuracy=` (Keras 0.x/1.0, which printed the accuracy) is removed.

    ## Why is this bad?
    Keras 2 still converted `nb_epoch` with a warning; tf.keras and Keras 3 reject it:
    `TypeError: TensorFlowTrainer.fit() got an unexpected keyword argument 'nb_epoch'`.
    `evaluate(show_accuracy=True)` fails with `ValueError: Arguments not recognized`.

    ## Example
    ```python
    model.fit(X_train, Y_train, batch_size=128, nb_epoch=12)
    ```

    ## Use instead
    ```python
    model.fit(X_train, Y_train, batch_size=128, epochs=12)
    ```

    ## Fix safety
    Safe: `epochs` is the same parameter; `show_accuracy` only controlled printing (Keras 2+
    reports the compiled metrics). Reported on a receiver that is provably a Keras model, or in
    a file that imports Keras (the keywords exist only in Keras).
    """

    code = "KRS402"
    name = "fit-keras1-keyword"
    summary = "`fit(nb_epoch=)` / `show_accuracy=`: Keras 1 training keywords that Keras 2+ reject"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
            model.fit(np.zeros((2, 4)), np.zeros((2, 1)), epochs=1, verbose=0)
            """)),
        Valid(dedent("""
            class Trainer:
                def fit(self, nb_epoch=1):
                    return nb_epoch
            Trainer().fit(nb_epoch=3)
            """), note="no Keras in the file"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), batch_size=2, nb_epoch=2, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), batch_size=2, epochs=2, verbose=0)
                """),
            message="unexpected keyword argument 'nb_epoch'",
            keras=Raises("unexpected keyword argument 'nb_epoch'"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                score = model.evaluate(np.zeros((2, 4)), np.zeros((2, 1)), show_accuracy=True, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                score = model.evaluate(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)
                """),
            keras=Raises("Arguments not recognized: {'show_accuracy': True}"),
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                def train(x, y):
                    model.fit(x, y, nb_epoch=3)
                """),
            fixed=dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                def train(x, y):
                    model.fit(x, y, epochs=3)
                """),
            settings={"target-keras": "2"},
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        renames = dict(_training().get("renames", {}))
        for call in ctx.method_calls(*_TRAINING_METHODS):
            used = [arg for arg in call.node.args if arg.keyword is not None and arg.keyword.value in _KERAS1_FIT_KEYWORDS]
            if not used or not is_model_method(ctx, call, keras_specific=True):
                continue
            method = _method(call)
            for arg in used:
                keyword = arg.keyword.value
                if keyword == "nb_epoch":
                    if method != "fit":
                        continue
                    new = renames.get(keyword, "epochs")
                    value = ctx.source_of(arg.value)
                    if call.keyword(new) is not None:
                        message = f"`fit(nb_epoch={value}, {new}=...)`: Keras 3 rejects nb_epoch (TypeError); remove it and keep `{new}=`"
                        yield self.finding(ctx, arg, message, self.make_fix("Remove nb_epoch", [], Applicability.DISPLAY_ONLY))
                        continue
                    message = (f"`fit(nb_epoch={value})`: Keras 2 renamed it `epochs`; tf.keras and Keras 3 raise \"TypeError: "
                               f"TensorFlowTrainer.fit() got an unexpected keyword argument 'nb_epoch'\". Use `epochs={value}`")
                    yield self.finding(ctx, arg, message, self.make_fix("Rename `nb_epoch=` to `epochs=`", [ctx.replace(arg.keyword, new)]))
                else:
                    message = (f"`{method}(show_accuracy=...)` is Keras 1's: Keras 3 raises \"ValueError: Arguments not recognized: "
                               f"{{'show_accuracy': ...}}\". Accuracy is reported when it is among the compiled metrics; remove the argument")
                    yield self.finding(ctx, arg, message, self.make_fix("Remove `show_accuracy=`", [ctx.remove_argument(call.node, arg)]))


# -- KRS403 ---------------------------------------------------------------------------------------


class FitWorkerArguments(Rule):
    """## What it does
    Finds `fit`/`evaluate`/`predict` called with tf.keras 2's data-loading arguments,
    `workers=`, `use_multiprocessing=`, `max_queue_size=`, and `train_on_batch`/`test_on_batch`
    with `reset_metrics=`, and removes them.

    ## Why is this bad?
    Keras 3 moved the loading options to the data: `fit(workers=4)` raises `TypeError:
    TensorFlowTrainer.fit() got an unexpected keyword argument 'workers'` (`evaluate` raises
    `ValueError: Arguments not recognized`). They belong to the constructor of a
    `keras.utils.PyDataset` (`super().__init__(workers=4, use_multiprocessing=True)`).
    `reset_metrics=` is gone from `train_on_batch`/`test_on_batch` (`TypeError`).

    ## Example
    ```python
    model.fit(sequence, epochs=10, workers=4, use_multiprocessing=True)
    ```

    ## Use instead
    ```python
    class CSVSequence(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size=32, **kwargs):
            super().__init__(**kwargs)
            ...
    model.fit(CSVSequence(x, y, workers=4, use_multiprocessing=True), epochs=10)
    ```

    ## Fix safety
    Unsafe: removing the arguments makes the code run, with the data loaded in the main
    thread; pass them to your `PyDataset` to keep parallel loading. `reset_metrics=False` is
    removed safely (Keras 3 does not reset metrics between batches either); `True` is unsafe
    (call `model.reset_metrics()` yourself). Not reported with `target-keras = "2"`, where these
    arguments exist. Reported only on a receiver that is provably a Keras model: Keras' own
    training loops and data adapters take the same keyword names.
    """

    code = "KRS403"
    name = "fit-worker-arguments"
    summary = "`fit(workers=, use_multiprocessing=, max_queue_size=)`: Keras 3 moved them to PyDataset"
    family = "Models and training"
    fix = Applicability.UNSAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            class Rows(keras.utils.PyDataset):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                def __len__(self):
                    return 1
                def __getitem__(self, index):
                    return np.zeros((2, 4)), np.zeros((2, 1))
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
            model.fit(Rows(workers=1), epochs=1, verbose=0)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            import numpy as np
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
            model.fit(np.zeros((2, 4)), np.zeros((2, 1)), workers=2, use_multiprocessing=False)
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), epochs=1,
                          workers=4, use_multiprocessing=True, max_queue_size=10)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), epochs=1)
                """),
            message="PyDataset",
            applicability=Applicability.UNSAFE,
            keras=Raises("unexpected keyword argument 'workers'"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                loss = model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 1)), reset_metrics=False)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                loss = model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 1)))
                """),
            applicability=Applicability.SAFE,
            keras=Raises("unexpected keyword argument 'reset_metrics'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        worker_keywords = tuple(_training().get("worker_keywords", {}).get("names", ()))
        for call in ctx.method_calls("fit", "evaluate", "predict", "train_on_batch", "test_on_batch"):
            method = _method(call)
            names = ("reset_metrics",) if method in ("train_on_batch", "test_on_batch") else worker_keywords
            used = [arg for arg in call.node.args if arg.keyword is not None and arg.keyword.value in names]
            if not used:
                continue
            if not is_model_method(ctx, call):
                continue
            if method in ("train_on_batch", "test_on_batch"):
                arg = used[0]
                value = ctx.constants.value(arg.value, call.scope, default=...)
                applicability = Applicability.SAFE if value is False else Applicability.UNSAFE
                message = (f"`{method}(reset_metrics={ctx.source_of(arg.value)})`: Keras 3's {method} has no reset_metrics (TypeError) and does "
                           "not reset the metrics between batches" + ("; call `model.reset_metrics()` where you need it" if value is not False else ""))
                yield self.finding(ctx, arg, message, self.make_fix("Remove `reset_metrics=`", [ctx.remove_argument(call.node, arg)], applicability))
                continue
            shown = ", ".join(f"{a.keyword.value}={ctx.source_of(a.value)}" for a in used)
            error = "ValueError: Arguments not recognized" if method == "evaluate" else f"TypeError: ... {method}() got an unexpected keyword argument '{used[0].keyword.value}'"
            message = (f"`{method}({shown})`: Keras 3 raises \"{error}\"; these options now belong to the data: pass them to your "
                       "`keras.utils.PyDataset` subclass's `super().__init__(...)`. Removing them loads the data in the main thread")
            edits = _remove_arguments(ctx, call.node, used)
            yield self.finding(ctx, used[0], message, self.make_fix("Remove the data-loading arguments", edits))


def _remove_arguments(ctx: Context, node: cst.Call, args: list[cst.Arg]) -> list[Edit]:
    """Remove several arguments of one call with edits that do not overlap."""
    remaining = list(node.args)
    to_remove = {id(a) for a in args}
    # Remove runs of consecutive arguments as one edit.
    edits: list[Edit] = []
    index = 0
    while index < len(remaining):
        if id(remaining[index]) not in to_remove:
            index += 1
            continue
        run_start = index
        while index < len(remaining) and id(remaining[index]) in to_remove:
            index += 1
        run_end = index  # exclusive
        if run_end < len(remaining):
            start = ctx.span(remaining[run_start])[0]
            end = ctx.span(remaining[run_end])[0]
        elif run_start > 0:
            start = ctx.span(remaining[run_start - 1])[1]
            end = ctx._end_of_trailing_comma(ctx.span(remaining[run_end - 1])[1])
        else:
            start = ctx.span(remaining[run_start])[0]
            end = ctx._end_of_trailing_comma(ctx.span(remaining[run_end - 1])[1])
        edits.append(Edit(start, end, ""))
    return edits


# -- KRS404 ---------------------------------------------------------------------------------------

_GENERATOR_METHODS = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict"}


class GeneratorMethods(Rule):
    """## What it does
    Finds `fit_generator`, `evaluate_generator` and `predict_generator` and rewrites them to
    `fit`, `evaluate` and `predict`, with Keras 1's keywords converted:

    - `samples_per_epoch=N` → `steps_per_epoch=N // batch_size`, `nb_val_samples=N` →
      `validation_steps=N // batch_size`, `val_samples=N` → `steps=N // batch_size`: Keras 1
      counted samples, Keras 2+ count batches. The batch size is the one the generator was
      made with (`datagen.flow_from_directory(..., batch_size=16)`, or its default 32), when
      the file proves it;
    - `nb_epoch` → `epochs`, `generator=` → `x=`;
    - `nb_worker`, `pickle_safe`, `max_q_size` (and Keras 2's `workers`, `use_multiprocessing`,
      `max_queue_size`) are removed: Keras 3's `fit` rejects them (they belong to a
      `keras.utils.PyDataset`). With `target-keras = "2"` they are renamed instead.

    ## Why is this bad?
    The generator methods were deprecated in tf.keras 2.1 and removed in Keras 3:
    `AttributeError: 'Sequential' object has no attribute 'fit_generator'`. Renaming
    `samples_per_epoch` to `steps_per_epoch` without dividing makes every epoch `batch_size`
    times longer (Keras 2's converter divided only `samples_per_epoch` and passed
    `nb_val_samples=800` through as 800 validation *batches*).

    ## Example
    ```python
    model.fit_generator(train_generator, samples_per_epoch=2000, nb_epoch=50,
                        validation_data=validation_generator, nb_val_samples=800)
    ```

    ## Use instead
    ```python
    model.fit(train_generator, steps_per_epoch=2000 // batch_size, epochs=50,
              validation_data=validation_generator, validation_steps=800 // batch_size)
    ```

    ## Fix safety
    Renaming the method and `nb_epoch` is safe. Converting samples to batches is safe when the
    file proves the batch size and the numbers divide evenly (Keras 1 ran ceil(samples /
    batch_size) batches; `//` rounds down), unsafe otherwise. Dropping the worker arguments is
    unsafe (the data is then loaded in the main thread). When the batch size is unknown, or
    arguments are passed by position (Keras 1 and 2 put different things there), the finding
    explains and nothing is rewritten. With `target-keras = "2"`, a call that uses only Keras 2
    names is not reported (tf.keras 2.15 still has the methods, deprecated).
    """

    code = "KRS404"
    name = "generator-methods"
    summary = "`fit_generator`/`evaluate_generator`/`predict_generator` (and Keras 1's sample counts)"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            def batches():
                while True:
                    yield np.zeros((2, 4)), np.zeros((2, 1))
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
            model.fit(batches(), steps_per_epoch=1, epochs=1, verbose=0)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            def train(generator):
                model.fit_generator(generator, steps_per_epoch=10, epochs=2, workers=2)
            """), settings={"target-keras": "2"}, note="tf.keras 2.15 still has fit_generator"),
        Invalid(
            dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                def train(generator):
                    model.fit_generator(generator, steps_per_epoch=10, nb_epoch=2, nb_worker=2)
                """),
            fixed=dedent("""
                import tensorflow as tf
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                def train(generator):
                    model.fit(generator, steps_per_epoch=10, epochs=2, workers=2)
                """),
            settings={"target-keras": "2"},
            note="target-keras 2: Keras 1 names become Keras 2 names; workers= stays",
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                def batches():
                    while True:
                        yield np.zeros((2, 4)), np.zeros((2, 1))
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit_generator(batches(), steps_per_epoch=1, epochs=1, verbose=0)
                score = model.evaluate_generator(batches(), steps=1, verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                def batches():
                    while True:
                        yield np.zeros((2, 4)), np.zeros((2, 1))
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse")
                model.fit(batches(), steps_per_epoch=1, epochs=1, verbose=0)
                score = model.evaluate(batches(), steps=1, verbose=0)
                """),
            count=2,
            keras=Raises("object has no attribute 'fit_generator'"),
        ),
        Invalid(
            dedent("""
                from keras.preprocessing.image import ImageDataGenerator
                from keras.models import Sequential
                batch_size = 16
                def train(model, train_datagen, test_datagen):
                    train_generator = train_datagen.flow_from_directory('data/train', batch_size=batch_size)
                    validation_generator = test_datagen.flow_from_directory('data/validation', batch_size=batch_size)
                    model.fit_generator(train_generator, samples_per_epoch=2000, nb_epoch=50,
                                        validation_data=validation_generator, nb_val_samples=800)
                datagen = ImageDataGenerator(rescale=1. / 255)
                """),
            fixed=None,
            message="cannot tell",
            runnable=False,
            note="the generators come from parameters: their batch size is not provable",
        ),
        Invalid(
            dedent("""
                from keras.preprocessing.image import ImageDataGenerator
                batch_size = 16
                def train(model):
                    datagen = ImageDataGenerator(rescale=1. / 255)
                    train_generator = datagen.flow_from_directory('data/train', batch_size=batch_size)
                    validation_generator = datagen.flow_from_directory('data/validation', batch_size=batch_size)
                    model.fit_generator(train_generator, samples_per_epoch=2000, nb_epoch=50,
                                        validation_data=validation_generator, nb_val_samples=800,
                                        nb_worker=4, pickle_safe=True)
                    loss, acc = model.evaluate_generator(validation_generator, val_samples=800)
                """),
            fixed=dedent("""
                from keras.preprocessing.image import ImageDataGenerator
                batch_size = 16
                def train(model):
                    datagen = ImageDataGenerator(rescale=1. / 255)
                    train_generator = datagen.flow_from_directory('data/train', batch_size=batch_size)
                    validation_generator = datagen.flow_from_directory('data/validation', batch_size=batch_size)
                    model.fit(train_generator, steps_per_epoch=2000 // batch_size, epochs=50,
                                        validation_data=validation_generator, validation_steps=800 // batch_size)
                    loss, acc = model.evaluate(validation_generator, steps=800 // batch_size)
                """),
            count=2,
            message="counted samples",
            runnable=False,
            note="ImageDataGenerator needs the tf.keras shim and image folders",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        table = dict(_training().get("generator_keywords", {}))
        target2 = not keras3_applies(ctx)
        for call in ctx.method_calls(*_GENERATOR_METHODS):
            if not is_model_method(ctx, call, keras_specific=True):
                continue
            keras1 = [a for a in call.node.args if a.keyword is not None and a.keyword.value in table and a.keyword.value != "generator"]
            if target2 and not keras1:
                continue
            yield self._check_call(ctx, call, table, target2)

    def _check_call(self, ctx: Context, call: Call, table: dict, target2: bool) -> Finding:
        method = _method(call)
        new_method = _GENERATOR_METHODS[method]
        func = call.node.func
        removed = ("tf.keras 2.x deprecated it and Keras 3 removed it (AttributeError: 'Sequential' object has no attribute "
                   f"'{method}'); `{new_method}` takes generators, PyDatasets and tf.data")
        if len(call.positional) > 1 or call.has_star_args:
            message = (f"`{method}(...)`: {removed}. Its arguments after the generator are passed by position, and Keras 1 "
                       "(samples_per_epoch, nb_epoch, ...) and Keras 2 (steps_per_epoch, epochs, ...) put different things there: "
                       f"pass them by keyword to `{new_method}`")
            return self.finding(ctx, func.attr, message, self.make_fix(f"Use `{new_method}`", [], Applicability.DISPLAY_ONLY))
        edits = [ctx.replace(func.attr, new_method)]
        applicability = Applicability.SAFE
        notes: list[str] = []
        dropped: list[cst.Arg] = []
        worker_keywords = set(_training().get("worker_keywords", {}).get("names", ()))
        for arg in call.node.args:
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            entry = table.get(keyword)
            if entry is None and keyword in worker_keywords and not target2:
                dropped.append(arg)
                continue
            if entry is None:
                continue
            new_keyword = entry["to"]
            if entry.get("keras3") == "removed" and not target2:
                dropped.append(arg)
                continue
            if entry.get("samples"):
                source_expr = call.keyword(entry["generator_from"]) if entry.get("generator_from") else call.argument("generator", 0) or call.keyword("x")
                batch = generator_batch_size(ctx, source_expr.value, call.scope) if source_expr is not None else None
                if batch is None:
                    message = (f"`{method}({keyword}={ctx.source_of(arg.value)})`: {removed}. Keras 1 counted {keyword} in samples, "
                               f"Keras 2+ count `{new_keyword}` in batches; keras-lint cannot tell the generator's batch size here: "
                               f"use `{new_method}(..., {new_keyword}={ctx.shown(arg.value)} // batch_size)`")
                    return self.finding(ctx, func.attr, message, self.make_fix(f"Use `{new_method}` with {new_keyword}", [], Applicability.DISPLAY_ONLY))
                size, size_expr = batch
                size_text = self._batch_text(ctx, size, size_expr, source_expr.value, call.scope)
                value_text = ctx.source_of(arg.value)
                if not isinstance(arg.value, (cst.Name, cst.Attribute, cst.Integer, cst.Call, cst.Subscript)):
                    value_text = f"({value_text})"
                samples = ctx.constants.value(arg.value, call.scope, default=...)
                if not (isinstance(samples, int) and samples % size == 0):
                    applicability = applicability.at_most(Applicability.UNSAFE)
                    notes.append(f"{keyword}: Keras 1 ran ceil({keyword} / {size}) batches, `//` rounds down")
                edits.append(ctx.replace(arg.keyword, new_keyword))
                edits.append(Edit(*ctx.outer_span(arg.value), f"{value_text} // {size_text}"))
                continue
            edits.append(ctx.replace(arg.keyword, new_keyword))
        if dropped:
            applicability = applicability.at_most(Applicability.UNSAFE)
            notes.append(f"{', '.join(a.keyword.value for a in dropped)} removed: Keras 3's {new_method} rejects them (pass worker options to a keras.utils.PyDataset)")
            edits.extend(_remove_arguments(ctx, call.node, dropped))
        has_samples = any(a.keyword is not None and table.get(a.keyword.value, {}).get("samples") for a in call.node.args)
        message = f"`{method}(...)`: {removed}. Use `{new_method}`"
        if has_samples:
            message += "; Keras 1 counted samples where Keras 2+ count batches, so the fix divides by the generator's batch size"
        if notes:
            message += f" ({'; '.join(notes)})"
        return self.finding(ctx, func.attr, message, self.make_fix(f"Rewrite as `{new_method}(...)`", sorted(set(edits)), applicability))

    @staticmethod
    def _batch_text(ctx: Context, size: int, size_expr: cst.BaseExpression | None, generator: cst.BaseExpression, scope: Scope) -> str:
        """The batch size as written where the generator was made, when it means the same at
        the call; else its value."""
        if isinstance(size_expr, cst.Name):
            bindings_there = _generator_scope_lookup(ctx, generator, scope, size_expr.value)
            bindings_here = ctx.semantic.lookup(size_expr.value, scope)
            if bindings_there is not None and bindings_here is not None and bindings_there == bindings_here:
                return size_expr.value
        if isinstance(size_expr, cst.Integer):
            return size_expr.value
        return str(size)


def _generator_scope_lookup(ctx: Context, generator: cst.BaseExpression, scope: Scope, name: str):
    if not isinstance(generator, cst.Name):
        return None
    bindings = ctx.semantic.lookup(generator.value, scope)
    if not bindings or len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
        return None
    return ctx.semantic.lookup(name, bindings[0].scope)


# -- KRS405 ---------------------------------------------------------------------------------------


class PredictClasses(Rule):
    """## What it does
    Finds `model.predict_classes(x)` and `model.predict_proba(x)` and rewrites them the way
    Keras 2 computed them: `predict_proba` was `predict`; `predict_classes` was
    `predict(x).argmax(axis=-1)` when the output has more than one unit and
    `(predict(x) > 0.5).astype('int32')` when it has one. keras-lint reads the output of the
    model built in the same file (as `keras-lint shapes` does) to know which.

    ## Why is this bad?
    Both methods were removed in tf.keras 2.6: `AttributeError: 'Sequential' object has no
    attribute 'predict_classes'`. The replacement depends on the output layer, which is why
    TensorFlow's deprecation message only hinted at it.

    ## Example
    ```python
    model.add(Dense(10, activation="softmax"))
    ...
    predicted = model.predict_classes(X_test)
    ```

    ## Use instead
    ```python
    predicted = np.argmax(model.predict(X_test), axis=-1)
    ```

    ## Fix safety
    `predict_proba` → `predict` is safe. `predict_classes` is safe when the file proves the
    number of output units (`Dense(10)`): the rewrite is then Keras 2's own rule. When only the
    activation is known (softmax → argmax, sigmoid → threshold at 0.5) it is unsafe (a sigmoid
    layer with several units was argmax-ed by Keras 2). When neither is known, or the receiver
    is not provably a model built in this file, the finding explains both forms.
    """

    code = "KRS405"
    name = "predict-classes"
    summary = "`predict_classes`/`predict_proba`, removed in tf.keras 2.6: argmax or threshold, by the output layer"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            classes = np.argmax(model.predict(np.zeros((2, 4)), verbose=0), axis=-1)
            """)),
        Valid(dedent("""
            import keras
            from sklearn.linear_model import LogisticRegression
            clf = LogisticRegression()
            def scores(x):
                return clf.predict_proba(x)
            """), runnable=False, note="scikit-learn's predict_proba"),
        Invalid(
            dedent("""
                import numpy as np
                from keras.models import Sequential
                from keras.layers import Input, Dense, Activation
                model = Sequential()
                model.add(Input((4,)))
                model.add(Dense(3))
                model.add(Activation('softmax'))
                predicted = model.predict_classes(np.zeros((2, 4)), verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.models import Sequential
                from keras.layers import Input, Dense, Activation
                model = Sequential()
                model.add(Input((4,)))
                model.add(Dense(3))
                model.add(Activation('softmax'))
                predicted = np.argmax(model.predict(np.zeros((2, 4)), verbose=0), axis=-1)
                """),
            message="3 output units",
            keras=Raises("has no attribute 'predict_classes'"),
            fixed_check="predicted.shape == (2,)",
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                def build():
                    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])
                    return model
                model = build()
                classes = model.predict_classes(np.zeros((2, 4)), verbose=0)
                probabilities = model.predict_proba(np.zeros((2, 4)), verbose=0)
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                def build():
                    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])
                    return model
                model = build()
                classes = (model.predict(np.zeros((2, 4)), verbose=0) > 0.5).astype('int32')
                probabilities = model.predict(np.zeros((2, 4)), verbose=0)
                """),
            count=2,
            keras=Raises("has no attribute 'predict_classes'"),
            fixed_check="classes.shape == (2, 1) and str(classes.dtype) == 'int32'",
        ),
        Invalid(
            dedent("""
                import os
                import keras
                def build(nb_classes):
                    inputs = keras.Input((4,))
                    outputs = keras.layers.Dense(nb_classes, activation='softmax')(inputs)
                    return keras.Model(inputs, outputs)
                model = build(int(os.environ.get('CLASSES', '10')))
                import numpy
                labels = model.predict_classes(numpy.zeros((2, 4)), verbose=0)
                """),
            fixed=dedent("""
                import os
                import keras
                def build(nb_classes):
                    inputs = keras.Input((4,))
                    outputs = keras.layers.Dense(nb_classes, activation='softmax')(inputs)
                    return keras.Model(inputs, outputs)
                model = build(int(os.environ.get('CLASSES', '10')))
                import numpy
                labels = numpy.argmax(model.predict(numpy.zeros((2, 4)), verbose=0), axis=-1)
                """),
            applicability=Applicability.UNSAFE,
            message="softmax",
            keras=Raises("has no attribute 'predict_classes'"),
            fixed_check="labels.shape == (2,)",
        ),
        Invalid(
            dedent("""
                import keras
                def report(model, x):
                    return model.predict_classes(x)
                """),
            fixed=None,
            message="np.argmax(model.predict(x), axis=-1)",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.method_calls("predict_classes", "predict_proba"):
            method = _method(call)
            receiver = _receiver(call)
            provable = is_model_method(ctx, call)
            if not provable and not (method == "predict_classes" and is_model_method(ctx, call, keras_specific=True)):
                continue
            func = call.node.func
            removed = f"`{ctx.shown(receiver)}.{method}(...)` was removed in tf.keras 2.6 (Keras 3: AttributeError: 'Sequential' object has no attribute '{method}')"
            if method == "predict_proba":
                message = f"{removed}; Keras 2's predict_proba returned `predict(...)`. Use `predict`"
                yield self.finding(ctx, func.attr, message, self.make_fix("Use `predict`", [ctx.replace(func.attr, "predict")]))
                continue
            predict_call = f"{ctx.source_of(receiver)}.predict({self._arguments(ctx, call)})"
            numpy = _numpy_alias(ctx, call.scope)
            argmax = f"{numpy}.argmax({predict_call}, axis=-1)" if numpy else f"{predict_call}.argmax(axis=-1)"
            threshold = f"({predict_call} > 0.5).astype({ctx.quote()}int32{ctx.quote()})"
            units, activation = _output_of_model(ctx, call) if provable else (None, None)
            if units is not None:
                replacement = argmax if units > 1 else threshold
                why = f"the model has {units} output unit{'s' if units != 1 else ''}, so Keras 2 {'took the argmax' if units > 1 else 'thresholded at 0.5'}"
                applicability = Applicability.SAFE
            elif activation in ("softmax", "sigmoid"):
                replacement = argmax if activation == "softmax" else threshold
                why = (f"the output activation is {activation}; keras-lint cannot see the number of units, and Keras 2 chose by it "
                       f"(more than one: argmax; one: threshold at 0.5)")
                applicability = Applicability.UNSAFE
            else:
                hint = "np.argmax(model.predict(x), axis=-1)" if not ctx.source_of(receiver) else f"np.argmax({ctx.source_of(receiver)}.predict(x), axis=-1)"
                message = (f"{removed}. Keras 2 returned `{hint}` for an output with several units (softmax) and "
                           "`(model.predict(x) > 0.5).astype('int32')` for one unit (sigmoid); keras-lint cannot see this model's output layer")
                yield self.finding(ctx, func.attr, message, self.make_fix("Use predict with argmax or a 0.5 threshold", [], Applicability.DISPLAY_ONLY))
                continue
            message = f"{removed}; {why}. Use `{replacement}`"
            edit = Edit(*ctx.outer_span(call.node), replacement)
            yield self.finding(ctx, func.attr, message, self.make_fix(f"Use `{replacement}`", [edit], applicability))

    @staticmethod
    def _arguments(ctx: Context, call: Call) -> str:
        if not call.node.args:
            return ""
        start = ctx.span(call.node.args[0])[0]
        end = ctx.outer_span(call.node.args[-1].value)[1]
        return ctx.text[start:end]


def _output_of_model(ctx: Context, call: Call) -> tuple[int | None, str | None]:
    """The number of units and the activation of the single output of the model `call` is
    made on, as far as every instance of that model agrees (a function may build several)."""
    from keras_lint.models import extraction
    from keras_lint.models.heads import output_heads

    instances = [method_call.model for method_call in extraction(ctx).method_calls if method_call.call.node is call.node]
    if not instances or any(model is None for model in instances):
        return None, None
    units, activations = set(), set()
    for model in instances:
        heads = output_heads(ctx, model)
        if len(heads) != 1:
            return None, None
        units.add(heads[0].units)
        activations.add(heads[0].activation)
    return (units.pop() if len(units) == 1 else None), (activations.pop() if len(activations) == 1 else None)


def _numpy_alias(ctx: Context, scope: Scope) -> str | None:
    for name in ("np", "numpy", "onp"):
        bindings = ctx.semantic.lookup(name, scope)
        if bindings and len(bindings) == 1 and bindings[0].path == "numpy":
            return name
    return None


# -- KRS406 / KRS407: compile ---------------------------------------------------------------------

_COMPILE_KEYWORDS = frozenset({"optimizer", "loss", "metrics", "weighted_metrics", "loss_weights", "sample_weight_mode", "class_mode", "lr"})


def is_keras_compile(ctx: Context, call: Call) -> bool:
    func = call.node.func
    if call.name is not None or not isinstance(func, cst.Attribute) or func.attr.value != "compile":
        return False
    receiver = func.value
    qualified = ctx.qualified_name(receiver, call.scope)
    if qualified is not None and keras_name(qualified) is None:
        return False  # re.compile, ...
    if is_keras_model(ctx, receiver, call.scope):
        return True
    return bool(_COMPILE_KEYWORDS & call.keywords.keys()) and ctx.imports_keras


class CompileMetricsString(Rule):
    """## What it does
    Finds `compile(metrics='accuracy')`, a metric given as a bare string, and wraps it in a
    list: `metrics=['accuracy']` (also `weighted_metrics=`).

    ## Why is this bad?
    tf.keras 2 accepted a single string; Keras 3 fails in `compile()`: `ValueError: Expected
    'metrics' argument to be a list, tuple, or dict. Received instead: metrics=accuracy of type
    <class 'str'>`.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics="accuracy")
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    ```

    ## Fix safety
    Safe: a one-element list is what tf.keras made of the string. Not reported with
    `target-keras = "2"`.
    """

    code = "KRS406"
    name = "compile-metrics-string"
    summary = "`compile(metrics='accuracy')`: Keras 3 wants a list"
    family = "Models and training"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics="accuracy")
            """), settings={"target-keras": "2"}, runnable=False, note="tf.keras 2 accepted a string"),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics="accuracy")
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
                """),
            message="Expected `metrics` argument to be a list",
            keras=Raises("Expected `metrics` argument to be a list, tuple, or dict", stage="compile"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        for call in ctx.method_calls("compile"):
            if not is_keras_compile(ctx, call):
                continue
            for keyword in ("metrics", "weighted_metrics"):
                arg = call.keyword(keyword)
                if arg is None:
                    continue
                constant = ctx.constant(arg.value, call.scope)
                if constant is None or not isinstance(constant.value, str):
                    continue
                value = ctx.source_of(arg.value)
                message = (f"`compile({keyword}={value})`: Keras 3 raises \"ValueError: Expected `{keyword}` argument to be a list, tuple, or dict. "
                           f"Received instead: {keyword}={constant.value} of type <class 'str'>\". Use `{keyword}=[{value}]`")
                yield self.finding(ctx, arg, message, self.make_fix(f"Use `[{value}]`", [Edit(*ctx.outer_span(arg.value), f"[{value}]")]))


class CompileLegacyArgument(Rule):
    """## What it does
    Finds `compile()` arguments Keras 3 rejects: `sample_weight_mode=` (tf.keras 2) and Keras
    0's `class_mode=`, which it removes, and `lr=`, which no Keras version accepted in
    `compile()` and which belongs to the optimizer.

    ## Why is this bad?
    `compile(sample_weight_mode='temporal')` and `compile(lr=0.01)` raise `TypeError:
    Trainer.compile() got an unexpected keyword argument ...`. Keras 3 applies per-timestep
    sample weights (shape `(batch, timesteps)`) on its own, without a mode.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="mse", sample_weight_mode="temporal")
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="mse")
    ```

    ## Fix safety
    Removing `sample_weight_mode=None` is safe; removing `'temporal'` is unsafe (check that the
    sample weights you pass have shape `(batch, timesteps)`). Removing `class_mode=` is safe:
    Keras 1 already ignored it, with a deprecation warning. `compile(lr=...)` is explained:
    pass `learning_rate=` to the optimizer. With `target-keras = "2"` only `lr=` is reported.
    """

    code = "KRS407"
    name = "compile-legacy-argument"
    summary = "`compile(sample_weight_mode=)`, `compile(class_mode=)`, `compile(lr=)`: arguments Keras 3's compile rejects"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", sample_weight_mode="temporal")
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse", sample_weight_mode=None)
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse")
                """),
            keras=Raises("unexpected keyword argument 'sample_weight_mode'", stage="compile"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((5, 4)), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse", sample_weight_mode="temporal")
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((5, 4)), keras.layers.Dense(1)])
                model.compile(optimizer="adam", loss="mse")
                """),
            applicability=Applicability.UNSAFE,
            message="(batch, timesteps)",
            keras=Raises("unexpected keyword argument 'sample_weight_mode'", stage="compile"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer="sgd", loss="mse", lr=0.01)
                """),
            fixed=None,
            message="learning_rate=",
            keras=Raises("unexpected keyword argument 'lr'", stage="compile"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy", class_mode="categorical")
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                """),
            message="Keras 1 already ignored it",
            keras=Raises("unexpected keyword argument 'class_mode'", stage="compile"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        target2 = ctx.settings.target_keras == "2"
        for call in ctx.method_calls("compile"):
            if not is_keras_compile(ctx, call):
                continue
            arg = call.keyword("lr")
            if arg is not None:
                value = ctx.source_of(arg.value)
                message = (f"`compile(lr={value})`: compile() never took a learning rate (Keras 3: TypeError: Trainer.compile() got an "
                           f"unexpected keyword argument 'lr'); pass it to the optimizer: `optimizer=keras.optimizers.<Name>(learning_rate={value})`")
                yield self.finding(ctx, arg, message, self.make_fix("Pass learning_rate= to the optimizer", [], Applicability.DISPLAY_ONLY))
            arg = call.keyword("class_mode")
            if arg is not None:
                message = (f"`compile(class_mode={ctx.source_of(arg.value)})` is a Keras 0 argument: Keras 1 already ignored it, with a "
                           "deprecation warning, and Keras 3 raises \"TypeError: Trainer.compile() got an unexpected keyword argument "
                           "'class_mode'\". Remove it (the loss and the output layer say what kind of classification it is)")
                yield self.finding(ctx, arg, message, self.make_fix("Remove `class_mode=`", [ctx.remove_argument(call.node, arg)]))
            arg = call.keyword("sample_weight_mode")
            if arg is not None and not target2 and keras3_applies(ctx):
                value = ctx.constants.value(arg.value, call.scope, default=...)
                applicability = Applicability.SAFE if value is None else Applicability.UNSAFE
                message = (f"`compile(sample_weight_mode={ctx.source_of(arg.value)})`: Keras 3 raises \"TypeError: Trainer.compile() got an "
                           "unexpected keyword argument 'sample_weight_mode'\"; it applies sample weights of shape (batch, timesteps) per "
                           "timestep by itself. Remove the argument")
                yield self.finding(ctx, arg, message, self.make_fix("Remove `sample_weight_mode=`", [ctx.remove_argument(call.node, arg)], applicability))


# -- KRS408-KRS410: paths ---------------------------------------------------------------------------

_MODEL_EXTENSIONS = (".keras", ".h5", ".hdf5")


def _load_sites(ctx: Context, method_names: tuple[str, ...], function_paths: tuple[str, ...]) -> list[tuple[Call, cst.Arg]]:
    """Calls that read a saved file: `load_model(path)` and `<model>.load_weights(path)`."""
    sites = []
    for call in ctx.calls:
        if call.name is not None and call.name.is_(*function_paths):
            arg = call.argument("filepath", 0)
        elif call.name is None and isinstance(call.node.func, cst.Attribute) and call.node.func.attr.value in method_names and is_model_method(ctx, call):
            arg = call.argument("filepath", 0)
        else:
            continue
        if arg is not None:
            sites.append((call, arg))
    return sites


def _same_path_edits(ctx: Context, old: str, new: str, sites: list[tuple[Call, cst.Arg]], exclude: cst.SimpleString) -> list[Edit]:
    """Rename the same path where the file reads it back, so that save and load agree."""
    edits = []
    for call, arg in sites:
        found = _string_constant(ctx, arg.value, call.scope)
        if found is None or found[0] != old or found[1] is exclude:
            continue
        edits.append(ctx.replace(found[1], _with_value(found[1], new)))
    return edits


def _weights_path(path: str) -> str:
    for extension in (".weights.h5", ".h5", ".hdf5", ".ckpt", ".keras"):
        if path.endswith(extension):
            return path[: -len(extension)] + ".weights.h5"
    return path + ".weights.h5"


def _model_path(path: str) -> str:
    if path.endswith(".hdf5"):
        return path[: -len(".hdf5")] + ".keras"
    return path.rstrip("/\\") + ".keras"


class ModelSavePath(Rule):
    """## What it does
    Finds `model.save(path)` where the path has no `.keras` or `.h5` extension (a TensorFlow
    SavedModel directory in tf.keras 2) and adds `.keras`, renaming the path where the file
    loads it back (`load_model(path)`) too; removes `save_format=`. A `load_model('dir')` of a
    SavedModel directory that the file does not save is explained.

    ## Why is this bad?
    Keras 3 saves only its `.keras` zip format and legacy HDF5: `ValueError: Invalid filepath
    extension for saving. Please add either a '.keras' extension for the native Keras format
    (recommended) or a '.h5' extension. Use 'model.export(filepath)' if you want to export a
    SavedModel for use with TFLite/TFServing/etc.` `save_format=` is deprecated (and an error
    with any other path), and `load_model` reads only `.keras` and `.h5` files.

    ## Example
    ```python
    model.save("dnn_model")
    reloaded = keras.models.load_model("dnn_model")
    ```

    ## Use instead
    ```python
    model.save("dnn_model.keras")  # or model.export("dnn_model") for TF Serving
    reloaded = keras.models.load_model("dnn_model.keras")
    ```

    ## Fix safety
    Unsafe: the file on disk gets another name, which other programs may expect (and a
    SavedModel for serving needs `model.export(path)` instead). Removing `save_format=` from a
    path that already ends in `.keras`/`.h5` is safe. Reported only on a receiver that is
    provably a Keras model, and with a path the file spells out. Not reported with
    `target-keras = "2"`.
    """

    code = "KRS408"
    name = "model-save-path"
    summary = "`model.save('dir')` / `save_format=`: Keras 3 saves only `.keras` and `.h5` files"
    family = "Models and training"
    fix = Applicability.UNSAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import os, tempfile
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            path = os.path.join(tempfile.mkdtemp(), "model.keras")
            model.save(path)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            def export():
                model.save('dnn_model')
            """), settings={"target-keras": "2"}, runnable=False, note="a SavedModel directory in tf.keras 2"),
        Valid(dedent("""
            import keras
            class Store:
                def save(self, path):
                    return path
            Store().save("dir")
            """), note="not a Keras model"),
        Invalid(
            dedent("""
                import keras
                def build():
                    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def main():
                    model = build()
                    model.save('dnn_model')
                    reloaded = keras.models.load_model('dnn_model')
                """),
            fixed=dedent("""
                import keras
                def build():
                    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def main():
                    model = build()
                    model.save('dnn_model.keras')
                    reloaded = keras.models.load_model('dnn_model.keras')
                """),
            message="Invalid filepath extension for saving",
            applicability=Applicability.UNSAFE,
        ),
        Valid(dedent("""
            import keras
            def save(model):
                model.save('model_dir')
            """), runnable=False, note="the receiver is a parameter: not provably a Keras model"),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def save():
                    model.save('model.keras', save_format='keras')
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def save():
                    model.save('model.keras')
                """),
            applicability=Applicability.SAFE,
            message="save_format",
        ),
        Invalid(
            dedent("""
                import keras
                reloaded = keras.models.load_model('exported_savedmodel')
                """),
            fixed=None,
            message="TFSMLayer",
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        loads = _load_sites(ctx, (), ("keras.saving.load_model", "keras.models.load_model"))
        saved_paths: set[str] = set()
        for call in ctx.method_calls("save"):
            if not is_model_method(ctx, call):
                continue
            finding = self._check_save(ctx, call, loads, saved_paths)
            if finding is not None:
                yield finding
        for call, arg in loads:
            found = _string_constant(ctx, arg.value, call.scope)
            if found is None or found[0] in saved_paths or "://" in found[0]:
                continue
            if "." in found[0].replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]:
                continue  # a file; only an extension-less path is a SavedModel directory
            message = (f"`{ctx.source_of(call.node.func)}({ctx.shown(arg.value)})`: Keras 3 loads only `.keras` and `.h5` files (ValueError: "
                       "File format not supported). For a TensorFlow SavedModel directory use `keras.layers.TFSMLayer(path, "
                       "call_endpoint='serving_default')`, or re-save the model as `.keras` with the Keras that wrote it")
            yield self.finding(ctx, arg, message, self.make_fix("Load a .keras file or use TFSMLayer", [], Applicability.DISPLAY_ONLY))

    def _check_save(self, ctx: Context, call: Call, loads, saved_paths: set[str]) -> Finding | None:
        arg = call.argument("filepath", 0)
        save_format = call.keyword("save_format")
        if arg is None:
            return None
        found = _string_constant(ctx, arg.value, call.scope)
        if found is None:
            return None
        path, literal = found
        receiver = ctx.source_of(_receiver(call))
        if path.endswith((".keras", ".h5")):
            if save_format is None:
                return None
            message = (f"`{receiver}.save(..., save_format={ctx.source_of(save_format.value)})`: Keras 3 deprecates save_format (the extension "
                       "decides the format) and raises ValueError for it with any other path. Remove it")
            return self.finding(ctx, save_format, message, self.make_fix("Remove `save_format=`", [ctx.remove_argument(call.node, save_format)], Applicability.SAFE))
        if path.endswith(".hdf5"):
            return None  # Keras 3 still writes HDF5 for .hdf5 (with a legacy-format warning)
        new_path = _model_path(path)
        saved_paths.add(path)
        message = (f"`{receiver}.save({literal.value})` wrote a TensorFlow SavedModel directory in tf.keras 2; Keras 3 raises \"ValueError: "
                   "Invalid filepath extension for saving. Please add either a `.keras` extension ... or a `.h5` extension\". "
                   f"Use `{new_path}` (and `{receiver}.export({literal.value})` if you need a SavedModel for serving)")
        edits = [ctx.replace(literal, _with_value(literal, new_path)), *_same_path_edits(ctx, path, new_path, loads, literal)]
        if save_format is not None:
            edits.append(ctx.remove_argument(call.node, save_format))
        return self.finding(ctx, arg, message, self.make_fix(f"Save to '{new_path}'", sorted(set(edits))))


class SaveWeightsPath(Rule):
    """## What it does
    Finds `model.save_weights(path)` where the path does not end in `.weights.h5`
    (`'weights.h5'`, `'w.hdf5'`, a TensorFlow checkpoint prefix) and renames it
    (`'weights.weights.h5'`), with the `load_weights` of the same path in the file; removes
    `save_format=`.

    ## Why is this bad?
    Keras 3 saves weights only as `.weights.h5`: `ValueError: The filename must end in
    '.weights.h5'. Received: filepath=weights.h5`. (`load_weights` still reads legacy `.h5`
    files, so a `load_weights('pretrained.h5')` alone is fine.)

    ## Example
    ```python
    model.save_weights("first_try.h5")
    ```

    ## Use instead
    ```python
    model.save_weights("first_try.weights.h5")
    ```

    ## Fix safety
    Unsafe: the file on disk gets another name. Reported only on a receiver that is provably
    a Keras model, with a path the file spells out. Not reported with `target-keras = "2"`.
    """

    code = "KRS409"
    name = "save-weights-path"
    summary = "`save_weights('w.h5')`: Keras 3 needs a `.weights.h5` file name"
    family = "Models and training"
    fix = Applicability.UNSAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import os, tempfile
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.save_weights(os.path.join(tempfile.mkdtemp(), "w.weights.h5"))
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            def save():
                model.save_weights('weights.h5')
            """), settings={"target-keras": "2"}, runnable=False),
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            def restore():
                model.load_weights("pretrained_keras2.h5")
            """), note="Keras 3 still loads legacy .h5 weights"),
        Invalid(
            dedent("""
                import keras
                def build():
                    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def main():
                    generator = build()
                    generator.save_weights('generator.h5', True)
                    generator.load_weights('generator.h5')
                """),
            fixed=dedent("""
                import keras
                def build():
                    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                def main():
                    generator = build()
                    generator.save_weights('generator.weights.h5', True)
                    generator.load_weights('generator.weights.h5')
                """),
            message="must end in `.weights.h5`",
            applicability=Applicability.UNSAFE,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        loads = _load_sites(ctx, ("load_weights",), ())
        for call in ctx.method_calls("save_weights"):
            if not is_model_method(ctx, call):
                continue
            arg = call.argument("filepath", 0)
            if arg is None:
                continue
            found = _string_constant(ctx, arg.value, call.scope)
            save_format = call.keyword("save_format")
            if found is None:
                continue
            path, literal = found
            receiver = ctx.source_of(_receiver(call))
            if path.endswith(".weights.h5"):
                if save_format is not None:
                    message = f"`{receiver}.save_weights(..., save_format=...)`: Keras 3's save_weights has no save_format (TypeError). Remove it"
                    yield self.finding(ctx, save_format, message, self.make_fix("Remove `save_format=`", [ctx.remove_argument(call.node, save_format)], Applicability.SAFE))
                continue
            new_path = _weights_path(path)
            message = (f"`{receiver}.save_weights({literal.value})`: Keras 3 raises \"ValueError: The filename must end in `.weights.h5`. "
                       f"Received: filepath={path}\". Use '{new_path}'")
            edits = [ctx.replace(literal, _with_value(literal, new_path)), *_same_path_edits(ctx, path, new_path, loads, literal)]
            if save_format is not None:
                edits.append(ctx.remove_argument(call.node, save_format))
            yield self.finding(ctx, arg, message, self.make_fix(f"Save to '{new_path}'", sorted(set(edits))))


class ModelCheckpointPath(Rule):
    """## What it does
    Finds `ModelCheckpoint` file paths Keras 3 rejects and fixes them: with
    `save_weights_only=True` the path must end in `.weights.h5` (`'w.h5'` →
    `'w.weights.h5'`); otherwise in `.keras` or `.h5` (`'best.hdf5'` → `'best.keras'`, a
    directory such as `'ckpt/{epoch:02d}'` → `'ckpt/{epoch:02d}.keras'`). The same path loaded
    back in the file (`load_model`, `load_weights`) is renamed with it. `period=1` is removed;
    another `period` is explained (`save_freq` counts batches, not epochs).

    ## Why is this bad?
    Keras 3 raises in the constructor: `ValueError: The filepath provided must end in '.keras'
    (Keras model format). Received: filepath=best.hdf5`, or, with `save_weights_only=True`,
    `... must end in '.weights.h5'`. `period=` raises `TypeError`.

    ## Example
    ```python
    checkpoint = ModelCheckpoint("unet_membrane.hdf5", monitor="loss", save_best_only=True)
    ```

    ## Use instead
    ```python
    checkpoint = ModelCheckpoint("unet_membrane.keras", monitor="loss", save_best_only=True)
    ```

    ## Fix safety
    Unsafe: the checkpoint file gets another name (and a `.keras` file is a zip, not HDF5).
    Removing `period=1` is safe. Not reported with `target-keras = "2"`, where these paths and
    `period` work.
    """

    code = "KRS410"
    name = "model-checkpoint-path"
    summary = "`ModelCheckpoint('w.hdf5')` / `period=`: Keras 3 needs `.keras`, `.h5` or `.weights.h5`"
    family = "Models and training"
    fix = Applicability.UNSAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            checkpoint = keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
            weights = keras.callbacks.ModelCheckpoint("w.{epoch:02d}.weights.h5", save_weights_only=True)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            checkpoint = tf.keras.callbacks.ModelCheckpoint('best.hdf5', period=2)
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                from keras.callbacks import ModelCheckpoint
                model_checkpoint = ModelCheckpoint('unet_membrane.hdf5', monitor='loss', verbose=1, save_best_only=True)
                """),
            fixed=dedent("""
                from keras.callbacks import ModelCheckpoint
                model_checkpoint = ModelCheckpoint('unet_membrane.keras', monitor='loss', verbose=1, save_best_only=True)
                """),
            message="must end in `.keras`",
            applicability=Applicability.UNSAFE,
            keras=Raises("The filepath provided must end in `.keras`"),
        ),
        Invalid(
            dedent("""
                import keras
                checkpoint = keras.callbacks.ModelCheckpoint('weights.{epoch:02d}-{val_loss:.2f}.hdf5', save_weights_only=True, period=1)
                """),
            fixed=dedent("""
                import keras
                checkpoint = keras.callbacks.ModelCheckpoint('weights.{epoch:02d}-{val_loss:.2f}.weights.h5', save_weights_only=True)
                """),
            count=2,
            keras=Raises("unexpected keyword argument 'period'"),
        ),
        Invalid(
            dedent("""
                import keras
                checkpoint = keras.callbacks.ModelCheckpoint('best.keras', period=5)
                """),
            fixed=None,
            message="save_freq",
            keras=Raises("unexpected keyword argument 'period'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        loads = _load_sites(ctx, ("load_weights",), ("keras.saving.load_model", "keras.models.load_model"))
        for call in ctx.calls_to("keras.callbacks.ModelCheckpoint"):
            written = ctx.source_of(call.node.func)
            arg = call.argument("filepath", 0)
            found = _string_constant(ctx, arg.value, call.scope) if arg is not None else None
            weights_only = call.argument("save_weights_only", 4)
            weights_value = ctx.constants.value(weights_only.value, call.scope, default=...) if weights_only is not None else False
            if found is not None and weights_value is not ...:
                path, literal = found
                if weights_value:
                    new_path = None if path.endswith(".weights.h5") else _weights_path(path)
                    needs = "`.weights.h5` (Keras weights format)"
                    error = "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in `.weights.h5`"
                else:
                    new_path = None if path.endswith((".keras", ".h5")) else _model_path(path)
                    needs = "`.keras` (Keras model format)"
                    error = "The filepath provided must end in `.keras` (Keras model format)"
                if new_path is not None:
                    message = f"`{written}({literal.value}, ...)`: Keras 3 raises \"ValueError: {error}. Received: filepath={path}\". Use '{new_path}'"
                    edits = [ctx.replace(literal, _with_value(literal, new_path)), *_same_path_edits(ctx, path, new_path, loads, literal)]
                    yield self.finding(ctx, arg, message, self.make_fix(f"Save to '{new_path}' (must end in {needs})", sorted(set(edits))))
            period = call.keyword("period")
            if period is not None:
                value = ctx.constants.value(period.value, call.scope, default=...)
                if value == 1 and not isinstance(value, bool):
                    message = f"`{written}(period=1)`: Keras 3 raises \"TypeError: ... unexpected keyword argument 'period'\"; period=1 is the default `save_freq='epoch'`. Remove it"
                    yield self.finding(ctx, period, message, self.make_fix("Remove `period=1`", [ctx.remove_argument(call.node, period)], Applicability.SAFE))
                else:
                    message = (f"`{written}(period={ctx.source_of(period.value)})`: Keras 3 raises \"TypeError: ... unexpected keyword argument 'period'\". "
                               "Its replacement `save_freq=` counts batches, not epochs: use `save_freq=<period> * steps_per_epoch`, or save every epoch")
                    yield self.finding(ctx, period, message, self.make_fix("Use save_freq", [], Applicability.DISPLAY_ONLY))


# -- KRS411-KRS413: callbacks -------------------------------------------------------------------------


class ReduceLROnPlateauEpsilon(Rule):
    """## What it does
    Finds `ReduceLROnPlateau(epsilon=...)` and renames the argument `min_delta=`.

    ## Why is this bad?
    Keras 2.1.6 renamed it; tf.keras 2 still honoured `epsilon` with a warning. Keras 3
    accepts any keyword through `**kwargs` and silently drops it: the callback then uses its
    default `min_delta=1e-4`, and reduces the learning rate on another schedule than the code
    says, without any message.

    ## Example
    ```python
    reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, epsilon=0.01)
    ```

    ## Use instead
    ```python
    reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_delta=0.01)
    ```

    ## Fix safety
    Safe: the same threshold under its new name. A call that passes both is explained. Not
    reported with `target-keras = "2"` (tf.keras 2 honoured `epsilon`).
    """

    code = "KRS411"
    name = "reduce-lr-epsilon"
    summary = "`ReduceLROnPlateau(epsilon=)`: Keras 3 silently ignores it (use `min_delta=`)"
    family = "Models and training"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", min_delta=0.01)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", epsilon=0.01)
            """), settings={"target-keras": "2"}, note="tf.keras 2 honoured epsilon="),
        Invalid(
            dedent("""
                from tensorflow.keras.callbacks import ReduceLROnPlateau
                reduce_lr = ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=3,
                                              epsilon=0.01, min_lr=1e-6, verbose=1)
                """),
            fixed=dedent("""
                from tensorflow.keras.callbacks import ReduceLROnPlateau
                reduce_lr = ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=3,
                                              min_delta=0.01, min_lr=1e-6, verbose=1)
                """),
            message="silently",
            keras=Silent("reduce_lr.min_delta == 0.0001"),
            fixed_check="reduce_lr.min_delta == 0.01",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        for call in ctx.calls_to("keras.callbacks.ReduceLROnPlateau"):
            arg = call.keyword("epsilon")
            if arg is None:
                continue
            value = ctx.source_of(arg.value)
            if call.keyword("min_delta") is not None:
                message = f"`ReduceLROnPlateau(epsilon={value}, min_delta=...)`: Keras 3 silently drops epsilon; remove it"
                yield self.finding(ctx, arg, message, self.make_fix("Remove epsilon=", [], Applicability.DISPLAY_ONLY))
                continue
            message = (f"`ReduceLROnPlateau(epsilon={value})`: renamed `min_delta` in Keras 2.1.6; Keras 3 swallows unknown keywords, "
                       f"so it silently uses min_delta=1e-4 instead of {value}. Use `min_delta={value}`")
            yield self.finding(ctx, arg, message, self.make_fix("Rename `epsilon=` to `min_delta=`", [ctx.replace(arg.keyword, "min_delta")]))


class CallbackRemovedArgument(Rule):
    """## What it does
    Finds `TensorBoard` arguments that multi-backend Keras 2 used and Keras 3 does not have,
    `write_grads=`, `batch_size=`, `embeddings_layer_names=`, `embeddings_data=`, and removes
    them.

    ## Why is this bad?
    Keras 3 raises `TypeError: TensorBoard.__init__() got an unexpected keyword argument
    'write_grads'`. tf.keras 2 already ignored them with a warning.

    ## Example
    ```python
    tensorboard = TensorBoard(log_dir="logs", histogram_freq=1, write_grads=True)
    ```

    ## Use instead
    ```python
    tensorboard = TensorBoard(log_dir="logs", histogram_freq=1)
    ```

    ## Fix safety
    Safe: tf.keras 2 ignored these arguments, so removing them changes nothing there (gradient
    histograms are gone since TensorFlow 2). Not reported with `target-keras = "2"`.
    """

    code = "KRS412"
    name = "callback-removed-argument"
    summary = "`TensorBoard(write_grads=, batch_size=, ...)`: arguments Keras 3 rejects"
    family = "Models and training"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            tensorboard = keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            tensorboard = tf.keras.callbacks.TensorBoard(log_dir="logs", write_grads=True)
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                import keras
                tensorboard = keras.callbacks.TensorBoard(log_dir='logs', histogram_freq=1, write_grads=True, batch_size=32)
                """),
            fixed=dedent("""
                import keras
                tensorboard = keras.callbacks.TensorBoard(log_dir='logs', histogram_freq=1)
                """),
            count=2,
            keras=Raises("unexpected keyword argument 'write_grads'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        removed = tuple(legacy.data().get("callbacks", {}).get("tensorboard_removed", ()))
        for call in ctx.calls_to("keras.callbacks.TensorBoard"):
            used = [a for a in call.node.args if a.keyword is not None and a.keyword.value in removed]
            for arg in used:
                keyword = arg.keyword.value
                message = (f"`TensorBoard({keyword}=...)`: Keras 3 raises \"TypeError: TensorBoard.__init__() got an unexpected keyword "
                           f"argument '{keyword}'\" (tf.keras 2 already ignored it). Remove it")
                # One edit for all of them, so that the fixes do not overlap.
                yield self.finding(ctx, arg, message, self.make_fix(f"Remove `{keyword}=`", _remove_arguments(ctx, call.node, used)))


def _compiled_metric_names(ctx: Context) -> set[str] | None:
    """The metric strings of every Keras compile() in the file, or None when one is not known."""
    names: set[str] = set()
    seen = False
    for call in ctx.method_calls("compile"):
        if not is_keras_compile(ctx, call):
            continue
        arg = call.keyword("metrics")
        if arg is None:
            continue
        seen = True
        constant = ctx.constant(arg.value, call.scope)
        if constant is None:
            return None
        values = constant.value if isinstance(constant.value, (list, tuple)) else [constant.value]
        for value in values:
            if isinstance(value, str):
                names.add(value)
    return names if seen else None


_MONITORED = ("keras.callbacks.EarlyStopping", "keras.callbacks.ModelCheckpoint", "keras.callbacks.ReduceLROnPlateau")


class MonitorMetricName(Rule):
    """## What it does
    Finds callbacks monitoring `'val_acc'` (or `'acc'`) in a file whose models are compiled
    with `metrics=['accuracy']`, and monitors `'val_accuracy'` instead (`EarlyStopping`,
    `ModelCheckpoint`, `ReduceLROnPlateau`).

    ## Why is this bad?
    Keras up to 2.2 logged `metrics=['accuracy']` as `acc`/`val_acc`; tf.keras 2 and Keras 3
    log it under the name it was given, `accuracy`/`val_accuracy`. Keras 3's `EarlyStopping`
    then fails at the first epoch (`ValueError: EarlyStopping callback received
    monitor=val_acc, but Keras isn't able to automatically determine whether that metric should
    be maximized or minimized`); with `mode='max'` it only warns "Early stopping conditioned on
    metric `val_acc` which is not available" every epoch and never stops, and
    `ModelCheckpoint(save_best_only=True)` never saves.

    ## Example
    ```python
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    early_stopping = EarlyStopping(monitor="val_acc", patience=3)
    ```

    ## Use instead
    ```python
    early_stopping = EarlyStopping(monitor="val_accuracy", patience=3)
    ```

    ## Fix safety
    Safe when every `compile()` of the file names the metric `'accuracy'` and none `'acc'`
    (with `metrics=['acc']`, `val_acc` is right). Files without a compile whose metrics
    keras-lint can read are not reported.
    """

    code = "KRS413"
    name = "monitor-metric-name"
    summary = "A callback monitoring 'val_acc' when the metric is named 'accuracy' (logged as 'val_accuracy')"
    family = "Models and training"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
            early_stopping = keras.callbacks.EarlyStopping(monitor="val_acc")
            """), note="metrics=['acc'] is logged as acc / val_acc"),
        Invalid(
            dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])
                model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
                early_stopping = keras.callbacks.EarlyStopping(monitor='val_acc', patience=3)
                history = model.fit(np.zeros((4, 4)), np.zeros((4, 1)), validation_split=0.5, epochs=1, verbose=0,
                                    callbacks=[early_stopping])
                """),
            fixed=dedent("""
                import numpy as np
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='sigmoid')])
                model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
                early_stopping = keras.callbacks.EarlyStopping(monitor='val_accuracy', patience=3)
                history = model.fit(np.zeros((4, 4)), np.zeros((4, 1)), validation_split=0.5, epochs=1, verbose=0,
                                    callbacks=[early_stopping])
                """),
            message="'val_accuracy'",
            keras=Raises("EarlyStopping callback received monitor=val_acc"),
            fixed_check="'val_accuracy' in history.history",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        calls = [call for call in ctx.keras_calls if call.name.is_(*_MONITORED)]
        if not calls:
            return
        names = _compiled_metric_names(ctx)
        if not names or "accuracy" not in names or "acc" in names:
            return
        for call in calls:
            arg = call.argument("monitor", 1 if call.name.is_("keras.callbacks.ModelCheckpoint") else 0)
            if arg is None:
                continue
            found = _string_constant(ctx, arg.value, call.scope)
            if found is None or found[0] not in ("acc", "val_acc"):
                continue
            value, literal = found
            new_value = value.replace("acc", "accuracy")
            message = (f"`{ctx.source_of(call.node.func)}(monitor='{value}')`: this file compiles with metrics=['accuracy'], which tf.keras 2 "
                       f"and Keras 3 log as '{new_value}' (Keras <= 2.2 said '{value}'); Keras 3 fails or silently never triggers on "
                       f"'{value}'. Use monitor='{new_value}'")
            yield self.finding(ctx, arg, message, self.make_fix(f"Monitor '{new_value}'", [ctx.replace(literal, _with_value(literal, new_value))]))


# -- KRS414: removed model methods ----------------------------------------------------------------------


class RemovedModelMethod(Rule):
    """## What it does
    Finds calls of model methods and functions Keras 3 no longer has: `model.to_yaml()` and
    `keras.models.model_from_yaml(...)` (removed in tf.keras 2.6), `model.reset_states()`,
    `model.get_updates_for(...)`, and explains what replaces each.

    ## Why is this bad?
    They raise `AttributeError` (tf.keras 2.6-2.15 made the YAML ones raise `RuntimeError`
    "removed due to security risk").

    ## Example
    ```python
    yaml_string = model.to_yaml()
    ```

    ## Use instead
    ```python
    json_string = model.to_json()
    ```

    ## Fix safety
    No automatic fix: the replacement changes file formats or loops over layers. Method calls
    are reported on receivers that are provably Keras models. With `target-keras = "2"` only
    the YAML ones are reported.
    """

    code = "KRS414"
    name = "removed-model-method"
    summary = "`to_yaml`, `model_from_yaml`, `Model.reset_states`, `get_updates_for`: gone from Keras 3"
    family = "Models and training"
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            config = model.to_json()
            """)),
        Valid(dedent("""
            import keras
            metric = keras.metrics.Mean()
            metric.reset_state()
            """)),
        Valid(dedent("""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.LSTM(2, stateful=True)])
            def new_sequence():
                model.reset_states()
            """), settings={"target-keras": "2"}, runnable=False),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                yaml_string = model.to_yaml()
                """),
            message="to_json",
            keras=Raises("has no attribute 'to_yaml'"),
        ),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((3, 4), batch_size=1), keras.layers.LSTM(2, stateful=True)])
                model.reset_states()
                """),
            message="reset_state()",
            keras=Raises("has no attribute 'reset_states'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        table = legacy.data().get("model_methods", {})
        for call in ctx.keras_calls:
            if call.name.path == "keras.models.model_from_yaml":
                note = table["to_yaml"]["note"]
                yield self.finding(ctx, call.node, f"`{ctx.source_of(call.node.func)}(...)` is gone: {note}")
        for call in ctx.method_calls(*table):
            method = _method(call)
            entry = table[method]
            if entry["removed_in"].startswith("3") and not keras3_applies(ctx):
                continue
            if not is_model_method(ctx, call):
                continue
            where = "tf.keras 2.6+ and Keras 3" if entry["removed_in"] == "2.6" else "Keras 3"
            message = f"`{ctx.shown(_receiver(call))}.{method}()` is gone from {where} (AttributeError): {entry['note']}"
            yield self.finding(ctx, call.node.func.attr, message)
