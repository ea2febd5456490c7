"""Optimizer construction: Keras 1/2 argument names and values that Keras 3 rejects or ignores,
the removed `keras.optimizers.legacy` namespace and lowercase aliases, changed defaults, and
Keras 1 custom optimizers (catalog §1.2 get_updates, §2.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.imports import file_root, object_spelling
from keras_lint.knowledge import keras3, legacy
from keras_lint.rewrite import reference_to
from keras_lint.rules._targets import keras3_applies
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, Warns, dedent
from keras_lint.semantic.model import Scope
from keras_lint.semantic.names import KerasName

_NOT_CLASSES = frozenset({"get", "serialize", "deserialize", "schedules", "legacy"})
_FLAVOUR_ROOTS = {"keras": "keras", "tf.keras": "tensorflow.keras", "tf_keras": "tf_keras", "tensorflow.python.keras": "tensorflow.keras"}
# Classes whose default learning rate is the same in Keras 1, Keras 2 and Keras 3.
_SAME_DEFAULT_LR = frozenset({"SGD", "Adam", "RMSprop"})
_LR_SETTERS = re.compile(r"ReduceLROnPlateau|LearningRateScheduler|\.lr\b|\.learning_rate\s*=|set_value\(")


def _table() -> dict:
    return legacy.data().get("optimizers", {})


def lowercase_aliases() -> dict[str, str]:
    return dict(_table().get("lowercase_aliases", {}))


def optimizer_class(name: KerasName | None) -> tuple[str, bool] | None:
    """(Keras 3 class name, whether it is keras.optimizers.legacy.X) for an optimizer
    constructor call, else None."""
    if name is None or name.module not in ("keras.optimizers", "keras.optimizers.legacy"):
        return None
    if name.name in _NOT_CLASSES or name.name == "Optimizer":
        return None
    is_legacy = name.module == "keras.optimizers.legacy"
    if name.name in lowercase_aliases():
        return lowercase_aliases()[name.name], is_legacy
    if not name.name[:1].isupper():
        return None
    return name.name, is_legacy


def optimizer_calls(ctx: Context) -> Iterator[tuple[Call, str, bool]]:
    for call in ctx.keras_calls:
        found = optimizer_class(call.name)
        if found is not None:
            yield call, found[0], found[1]


def _root(name: KerasName) -> str:
    return _FLAVOUR_ROOTS.get(name.flavour, "keras")


def _written(ctx: Context, call: Call) -> str:
    return ctx.source_of(call.node.func)


def _learning_rate_argument(call: Call) -> cst.Arg | None:
    return call.keyword("learning_rate") or call.keyword("lr") or call.positional_arg(0)


class OptimizerLrKeyword(Rule):
    """## What it does
    Finds optimizers constructed with Keras 1's `lr=` (`Adam(lr=1e-4)`, `SGD(lr=0.01, ...)`,
    `tf.keras.optimizers.RMSprop(lr=...)`) and renames it `learning_rate=`.

    ## Why is this bad?
    Keras 3 rejects it: `ValueError: Argument(s) not recognized: {'lr': 0.0001}`. tf.keras
    2.11 to 2.15 were worse: they logged "`lr` is deprecated" and then *ignored the value*,
    training with the default learning rate (0.001 for Adam) instead of yours. Only tf.keras
    up to 2.10 (and multi-backend Keras) honoured `lr=`.

    ## Example
    ```python
    model.compile(optimizer=Adam(lr=1e-4), loss="binary_crossentropy")
    ```

    ## Use instead
    ```python
    model.compile(optimizer=Adam(learning_rate=1e-4), loss="binary_crossentropy")
    ```

    ## Fix safety
    Safe: `learning_rate` is the same parameter under its Keras 2.3+ name. When the call also
    passes `learning_rate=`, the two disagree about which one wins across versions (tf.keras
    up to 2.10 let `lr` win), so it is explained, not rewritten. With `target-keras = "2"`,
    `lr=` on `tf.keras.optimizers.legacy.*` is not reported (those classes still honour it);
    on the other classes it is, because tf.keras 2.11-2.15 ignore it.
    """

    code = "KRS501"
    name = "optimizer-lr-keyword"
    summary = "`lr=` on an optimizer: Keras 3 rejects it, tf.keras 2.11-2.15 silently ignore it"
    family = "Optimizers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            optimizer = keras.optimizers.Adam(learning_rate=1e-4)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.legacy.Adam(lr=1e-4)
            """), settings={"target-keras": "2"}, runnable=False, note="tf.keras 2.11-2.15's legacy optimizers honour lr="),
        Valid(dedent("""
            import torch_optim_stub as optim
            optimizer = optim.Adam(lr=1e-4)
            """), runnable=False, note="not Keras"),
        Invalid(
            dedent("""
                from keras.models import *
                from keras.layers import *
                from keras.optimizers import *
                inputs = Input((32,))
                outputs = Dense(1, activation='sigmoid')(inputs)
                model = Model(inputs=inputs, outputs=outputs)
                model.compile(optimizer=Adam(lr=1e-4), loss='binary_crossentropy', metrics=['accuracy'])
                """),
            fixed=dedent("""
                from keras.models import *
                from keras.layers import *
                from keras.optimizers import *
                inputs = Input((32,))
                outputs = Dense(1, activation='sigmoid')(inputs)
                model = Model(inputs=inputs, outputs=outputs)
                model.compile(optimizer=Adam(learning_rate=1e-4), loss='binary_crossentropy', metrics=['accuracy'])
                """),
            message="Argument(s) not recognized: {'lr': 1e-4}",
            keras=Raises("Argument(s) not recognized: {'lr': 0.0001}"),
            fixed_check="abs(float(model.optimizer.learning_rate.numpy()) - 1e-4) < 1e-9",
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                sgd = tf.keras.optimizers.SGD(lr=0.01, momentum=0.9)
                """),
            fixed=dedent("""
                import tensorflow as tf
                sgd = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
                """),
            settings={"target-keras": "2"},
            message="ignored the value",
            fixed_check="abs(float(sgd.learning_rate.numpy()) - 0.01) < 1e-9",
        ),
        Invalid(
            dedent("""
                import keras
                optimizer = keras.optimizers.Adam(lr=0.01, learning_rate=0.001)
                """),
            fixed=None,
            message="both",
            keras=Raises("Argument(s) not recognized"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        target2 = ctx.settings.target_keras == "2"
        for call, _class_name, is_legacy in optimizer_calls(ctx):
            arg = call.keyword("lr")
            if arg is None or (target2 and is_legacy):
                continue
            value = ctx.source_of(arg.value)
            written = _written(ctx, call)
            keras3_says = f"Keras 3 rejects it (ValueError: Argument(s) not recognized: {{'lr': {value}}})"
            tf2_says = "tf.keras 2.11-2.15 logged a warning and ignored the value, training with the default learning rate"
            if call.keyword("learning_rate") is not None:
                message = f"`{written}(lr=..., learning_rate=...)` passes both: {keras3_says}; remove `lr=` and keep the learning rate you mean"
                yield self.finding(ctx, arg, message, self.make_fix("Keep one learning rate", [], Applicability.DISPLAY_ONLY))
                continue
            message = f"`{written}(lr={value})`: `lr` was renamed `learning_rate`; {keras3_says}, and {tf2_says}. Use `learning_rate={value}`"
            fix = self.make_fix("Rename `lr=` to `learning_rate=`", [ctx.replace(arg.keyword, "learning_rate")])
            yield self.finding(ctx, arg, message, fix)


class OptimizerDecay(Rule):
    """## What it does
    Finds optimizers constructed with Keras 2's `decay=` (time-based learning-rate decay) and
    rewrites the learning rate as the schedule that computes the same thing:
    `SGD(lr=0.01, decay=1e-6)` → `SGD(learning_rate=InverseTimeDecay(initial_learning_rate=0.01,
    decay_steps=1, decay_rate=1e-6))`. `decay=0.0` (no decay) is simply removed.

    ## Why is this bad?
    Keras 3 only warns, `UserWarning: Argument 'decay' is no longer supported and will be
    ignored.`, and trains with a constant learning rate: the model silently trains
    differently from the one the code was written for. (tf.keras 2.11-2.15 raised a ValueError
    on the new optimizers; the legacy ones still decayed.)

    Keras 2's decay was `lr / (1 + decay * iterations)`, with `iterations` counted from 0 per
    batch; `InverseTimeDecay(initial_learning_rate=lr, decay_steps=1, decay_rate=decay)` is
    `lr / (1 + decay_rate * step / decay_steps)` evaluated at the same step
    (tests/test_optimizer_decay_tf.py checks the updates step by step in TensorFlow).

    ## Example
    ```python
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    ```

    ## Use instead
    ```python
    lr_schedule = InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6)
    sgd = SGD(learning_rate=lr_schedule, momentum=0.9, nesterov=True)
    ```

    ## Fix safety
    The schedule computes Keras 2's learning rate exactly, so the rewrite is safe, unless the
    file also changes the learning rate while training (`ReduceLROnPlateau`,
    `LearningRateScheduler`, assigning `optimizer.learning_rate`): those cannot change a
    schedule (Keras 3 raises), so there the fix is unsafe. When the call gives no learning
    rate and the optimizer's default changed between versions (Adadelta, Adagrad, Adamax,
    Nadam), or the learning rate is itself a schedule, the finding explains instead of
    rewriting. With `target-keras = "2"` it is reported too (tf.keras 2.11-2.15 reject `decay=`
    on the non-legacy optimizers), except on `tf.keras.optimizers.legacy.*`.
    """

    code = "KRS502"
    name = "optimizer-decay"
    summary = "`decay=` on an optimizer: Keras 3 warns and ignores it (no decay); use InverseTimeDecay"
    family = "Optimizers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            import keras
            schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6)
            sgd = keras.optimizers.SGD(learning_rate=schedule)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-6)
            """), settings={"target-keras": "2"}, runnable=False, note="tf.keras 2.11-2.15's legacy optimizers still decay"),
        Invalid(
            dedent("""
                from keras.optimizers import SGD
                sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
                """),
            fixed=dedent("""
                from keras.optimizers import SGD
                from keras.optimizers.schedules import InverseTimeDecay
                sgd = SGD(learning_rate=InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)
                """),
            message="silently",
            keras=Raises("Argument(s) not recognized: {'lr': 0.01}"),
            fixed_check="abs(float(sgd.learning_rate) - 0.01) < 1e-9 and isinstance(sgd._learning_rate, InverseTimeDecay)",
        ),
        Invalid(
            dedent("""
                import keras
                adam = keras.optimizers.Adam(learning_rate=1e-3, decay=1e-4)
                """),
            fixed=dedent("""
                import keras
                adam = keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=1e-3, decay_steps=1, decay_rate=1e-4))
                """),
            keras=Warns("Argument `decay` is no longer supported and will be ignored."),
            fixed_check="isinstance(adam._learning_rate, keras.optimizers.schedules.InverseTimeDecay)",
        ),
        Invalid(
            dedent("""
                import keras
                rmsprop = keras.optimizers.RMSprop(learning_rate=0.001, decay=0.0)
                """),
            fixed=dedent("""
                import keras
                rmsprop = keras.optimizers.RMSprop(learning_rate=0.001)
                """),
            message="decay=0.0",
            keras=Warns("Argument `decay` is no longer supported"),
        ),
        Invalid(
            dedent("""
                import keras
                sgd = keras.optimizers.SGD(learning_rate=0.1, decay=0.01)
                reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="loss")
                """),
            fixed=dedent("""
                import keras
                sgd = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.01))
                reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="loss")
                """),
            applicability=Applicability.UNSAFE,
            message="ReduceLROnPlateau",
            keras=Warns("Argument `decay` is no longer supported"),
        ),
        Invalid(
            dedent("""
                import keras
                adadelta = keras.optimizers.Adadelta(decay=1e-4)
                """),
            fixed=None,
            message="default learning rate",
            keras=Warns("Argument `decay` is no longer supported"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        target2 = ctx.settings.target_keras == "2"
        for call, class_name, is_legacy in optimizer_calls(ctx):
            arg = call.keyword("decay")
            if arg is None or (target2 and is_legacy):
                continue
            yield self._check_call(ctx, call, class_name, arg)

    def _check_call(self, ctx: Context, call: Call, class_name: str, arg: cst.Arg) -> Finding:
        written = _written(ctx, call)
        decay_text = ctx.source_of(arg.value)
        keras3_says = "Keras 3 warns \"Argument `decay` is no longer supported and will be ignored.\" and trains with a constant learning rate"
        decay = ctx.constants.value(arg.value, call.scope, default=...)
        if isinstance(decay, (int, float)) and not isinstance(decay, bool) and decay == 0:
            message = f"`{written}(decay={decay_text})`: {keras3_says}; decay={decay_text} meant no decay, so the argument can go"
            return self.finding(ctx, arg, message, self.make_fix("Remove `decay=`", [ctx.remove_argument(call.node, arg)], Applicability.SAFE))
        head = f"`{written}(..., decay={decay_text})`: {keras3_says}, so the model silently trains without Keras 2's time-based decay lr / (1 + {decay_text} * iterations)"
        lr_arg = _learning_rate_argument(call)
        if lr_arg is not None and lr_arg is arg:
            lr_arg = None
        if lr_arg is None:
            if class_name not in _SAME_DEFAULT_LR:
                message = f"{head}. Pass the learning rate you mean explicitly (this optimizer's default learning rate changed between Keras versions) as `learning_rate=InverseTimeDecay(initial_learning_rate=..., decay_steps=1, decay_rate={decay_text})`"
                return self.finding(ctx, arg, message, self.make_fix("Use an InverseTimeDecay schedule", [], Applicability.DISPLAY_ONLY))
            signature = keras3.signature(f"keras.optimizers.{class_name}")
            default = signature.param("learning_rate").default if signature is not None and signature.param("learning_rate") else None
            if not isinstance(default, float):
                return self.finding(ctx, arg, head, self.make_fix("Use an InverseTimeDecay schedule", [], Applicability.DISPLAY_ONLY))
            lr_text = repr(default)
        else:
            lr_text = ctx.source_of(lr_arg.value)
            lr_value = ctx.constants.value(lr_arg.value, call.scope, default=...)
            if lr_value is ... and not isinstance(lr_arg.value, (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.BinaryOperation, cst.UnaryOperation)):
                message = f"{head}. Wrap the learning rate in `InverseTimeDecay(initial_learning_rate=..., decay_steps=1, decay_rate={decay_text})` (keras-lint cannot tell whether `{lr_text}` is a number)"
                return self.finding(ctx, arg, message, self.make_fix("Use an InverseTimeDecay schedule", [], Applicability.DISPLAY_ONLY))
        spelling = object_spelling(ctx, call.scope, "keras.optimizers.schedules.InverseTimeDecay", root=_root(call.name))
        if spelling is None:
            return self.finding(ctx, arg, f"{head}. Use `keras.optimizers.schedules.InverseTimeDecay`", self.make_fix("Use an InverseTimeDecay schedule", [], Applicability.DISPLAY_ONLY))
        schedule = f"{spelling.text}(initial_learning_rate={lr_text}, decay_steps=1, decay_rate={decay_text})"
        edits = [ctx.remove_argument(call.node, arg), *spelling.edits]
        if lr_arg is None:
            edits.append(_insert_first_keyword(ctx, call, f"learning_rate={schedule}"))
        else:
            if lr_arg.keyword is not None and lr_arg.keyword.value == "lr":
                edits.append(ctx.replace(lr_arg.keyword, "learning_rate"))  # the same edit as KRS501's
            edits.append(Edit(*ctx.outer_span(lr_arg.value), schedule))
        applicability = Applicability.UNSAFE if _LR_SETTERS.search(ctx.text) else Applicability.SAFE
        message = f"{head}. Use `learning_rate={schedule}`"
        if applicability is Applicability.UNSAFE:
            message += " (this file also changes the learning rate while training, e.g. ReduceLROnPlateau, which cannot change a schedule: check it)"
        fix = self.make_fix("Rewrite `decay=` as an InverseTimeDecay learning-rate schedule", _merge_disjoint(edits), applicability)
        return self.finding(ctx, arg, message, fix)


def _insert_first_keyword(ctx: Context, call: Call, text: str) -> Edit:
    positional = call.positional
    if positional:
        end = ctx.outer_span(positional[-1].value)[1]
        return Edit(end, end, f", {text}")
    first = call.node.args[0]
    start = ctx.span(first)[0]
    return Edit(start, start, f"{text}, ")


def _merge_disjoint(edits: list[Edit]) -> list[Edit]:
    """Edits of one fix, sorted; a removal and an insertion at its boundary are kept apart."""
    return sorted(set(edits))


class OptimizerEpsilonNone(Rule):
    """## What it does
    Finds optimizers constructed with `epsilon=None` and writes the value Keras 2 used for it,
    `epsilon=1e-7`.

    ## Why is this bad?
    Multi-backend Keras 2 and tf.keras up to 2.10 replaced `None` by the backend epsilon,
    1e-7 (`epsilon or K.epsilon()`); the Keras 2.2 documentation even showed
    `Adam(epsilon=None)`. Keras 3 accepts `None` when the optimizer is created and fails at the
    first training step: `ValueError: None values not supported.`

    ## Example
    ```python
    optimizer = Adam(learning_rate=0.001, epsilon=None)
    ```

    ## Use instead
    ```python
    optimizer = Adam(learning_rate=0.001, epsilon=1e-7)
    ```

    ## Fix safety
    Safe: 1e-7 is what `None` meant, unless the file changes the backend epsilon
    (`set_epsilon`), which makes the fix unsafe. Not reported with `target-keras = "2"`.
    """

    code = "KRS503"
    name = "optimizer-epsilon-none"
    summary = "`epsilon=None` on an optimizer: Keras 3 fails at the first training step"
    family = "Optimizers"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            optimizer = keras.optimizers.Adam(epsilon=1e-7)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.Adam(epsilon=None)
            """), settings={"target-keras": "2"}, note="tf.keras up to 2.10 read None as 1e-7"),
        Invalid(
            dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=None), loss="mse")
                """),
            fixed=dedent("""
                import keras
                model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
                model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-7), loss="mse")
                """),
            message="None values not supported",
            keras=Raises("None values not supported", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        for call, _class_name, _is_legacy in optimizer_calls(ctx):
            arg = call.keyword("epsilon")
            if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                continue
            if ctx.semantic.lookup("None", call.scope) is not None:
                continue
            written = _written(ctx, call)
            applicability = Applicability.UNSAFE if "set_epsilon" in ctx.text else Applicability.SAFE
            message = (f"`{written}(epsilon=None)`: Keras 2 read None as the backend epsilon 1e-7; Keras 3 accepts it here and fails "
                       "at the first training step with \"ValueError: None values not supported.\". Use `epsilon=1e-7`")
            yield self.finding(ctx, arg, message, self.make_fix("Write `epsilon=1e-7`", [ctx.replace(arg.value, "1e-7")], applicability))


class LegacyOptimizerNamespace(Rule):
    """## What it does
    Finds optimizers created from `keras.optimizers.legacy` (`tf.keras.optimizers.legacy.Adam`,
    popular on M1/M2 Macs with TF 2.11-2.15) and uses `keras.optimizers` instead.

    ## Why is this bad?
    Keras 3 still exports the names, but creating one raises `ImportError: keras.optimizers.legacy
    is not supported in Keras 3.`

    ## Example
    ```python
    optimizer = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)
    ```

    ## Use instead
    ```python
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    ```

    ## Fix safety
    Safe for `Adam` and `SGD`, whose Keras 3 classes compute the same update. Unsafe for
    `RMSprop` and `Adagrad` (Keras 3 adds epsilon inside the square root, the legacy classes
    outside) and `Ftrl`. Not reported with `target-keras = "2"`, where the namespace exists.
    """

    code = "KRS504"
    name = "legacy-optimizer-namespace"
    summary = "`keras.optimizers.legacy.*`: Keras 3 raises ImportError when one is created"
    family = "Optimizers"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            optimizer = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)
            """), settings={"target-keras": "2"}, runnable=False, note="tf.keras 2.11-2.15 have the legacy namespace"),
        Invalid(
            dedent("""
                import tensorflow as tf
                optimizer = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)
                """),
            fixed=dedent("""
                import tensorflow as tf
                optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
                """),
            message="is not supported in Keras 3",
            keras=Raises("`keras.optimizers.legacy` is not supported in Keras 3"),
            fixed_check="type(optimizer).__name__ == 'Adam'",
        ),
        Invalid(
            dedent("""
                from tensorflow.keras.optimizers.legacy import RMSprop
                optimizer = RMSprop(learning_rate=1e-3)
                """),
            fixed=dedent("""
                from tensorflow.keras.optimizers import RMSprop
                optimizer = RMSprop(learning_rate=1e-3)
                """),
            applicability=Applicability.UNSAFE,
            message="inside the square root",
            keras=Raises("is not supported in Keras 3"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        classes = _table().get("legacy_classes", {})
        for call, class_name, is_legacy in optimizer_calls(ctx):
            if not is_legacy:
                continue
            written = _written(ctx, call)
            entry = classes.get(class_name)
            message = (f"`{written}(...)`: Keras 3 exports the name but raises \"ImportError: `keras.optimizers.legacy` is not supported in "
                       f"Keras 3\" when it is created. Use `keras.optimizers.{class_name}`")
            if entry is None:
                yield self.finding(ctx, call.node, message, self.make_fix(f"Use keras.optimizers.{class_name}", [], Applicability.DISPLAY_ONLY))
                continue
            applicability = Applicability(entry["fix"])
            if entry.get("note"):
                message += f" ({entry['note']})"
            dropped = _drop_legacy(ctx, call, classes)
            if dropped is None:
                yield self.finding(ctx, call.node, message, self.make_fix(f"Use keras.optimizers.{class_name}", [], Applicability.DISPLAY_ONLY))
                continue
            edits, weakest = dropped
            yield self.finding(ctx, call.node, message, self.make_fix(f"Use keras.optimizers.{class_name}", edits, applicability.at_most(weakest)))


def _drop_legacy(ctx: Context, call: Call, classes: dict) -> tuple[list[Edit], Applicability] | None:
    """Edits that make the callee refer to keras.optimizers.X instead of .legacy.X, and the
    weakest applicability they carry (an import shared by several classes moves them all)."""
    func = call.node.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) and func.value.attr.value == "legacy":
        return [Edit(*ctx.span(func.value), ctx.source_of(func.value.value))], Applicability.SAFE
    if not isinstance(func, cst.Name):
        return None
    bindings = ctx.semantic.lookup(func.value, call.scope)
    if not bindings or len(bindings) != 1:
        return None
    statement = bindings[0].node
    if not isinstance(statement, cst.ImportFrom) or statement.module is None or isinstance(statement.names, cst.ImportStar):
        return None
    module = statement.module
    if not (isinstance(module, cst.Attribute) and module.attr.value == "legacy"):
        return None
    # `from tensorflow.keras.optimizers.legacy import Adam, RMSprop` -> `...optimizers import ...`:
    # possible when every imported name has a Keras 3 class.
    weakest = Applicability.SAFE
    for alias in statement.names:
        entry = classes.get(alias.name.value if isinstance(alias.name, cst.Name) else "")
        if entry is None:
            return None
        weakest = weakest.at_most(Applicability(entry["fix"]))
    return [Edit(*ctx.span(module), ctx.source_of(module.value))], weakest


class LowercaseOptimizerAlias(Rule):
    """## What it does
    Finds multi-backend Keras 2's lowercase optimizer aliases, `keras.optimizers.adam(...)`,
    `sgd`, `rmsprop`, `adagrad`, `adadelta`, `adamax`, `nadam`, and uses the classes.

    ## Why is this bad?
    `keras/optimizers.py` up to 2.3.1 defined `adam = Adam` and so on. tf.keras never had them
    and Keras 3 does not: `AttributeError` or `ImportError`.

    ## Example
    ```python
    from keras import optimizers
    opt = optimizers.adam(lr=1e-3)
    ```

    ## Use instead
    ```python
    from keras import optimizers
    opt = optimizers.Adam(lr=1e-3)
    ```

    ## Fix safety
    Safe: the alias was the class itself. (`lr=` is KRS501's.)
    """

    code = "KRS505"
    name = "lowercase-optimizer-alias"
    summary = "Multi-backend Keras 2's lowercase optimizer aliases (`optimizers.adam(...)`), gone since"
    family = "Optimizers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras import optimizers
            opt = optimizers.Adam(learning_rate=1e-3)
            """)),
        Valid(dedent("""
            import keras
            def adam(**kwargs):
                return keras.optimizers.Adam(**kwargs)
            opt = adam(learning_rate=1e-3)
            """), note="a user's own function"),
        Invalid(
            dedent("""
                from keras import optimizers
                opt = optimizers.adam(learning_rate=1e-3)
                """),
            fixed=dedent("""
                from keras import optimizers
                opt = optimizers.Adam(learning_rate=1e-3)
                """),
            message="`optimizers.Adam`",
            keras=Raises("has no attribute 'adam'"),
        ),
        Invalid(
            dedent("""
                from keras.optimizers import sgd
                opt = sgd(learning_rate=0.1)
                """),
            fixed=dedent("""
                from keras.optimizers import SGD
                opt = SGD(learning_rate=0.1)
                """),
            keras=Raises("cannot import name 'sgd'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        aliases = lowercase_aliases()
        for call in ctx.keras_calls:
            name = call.name
            if name.module != "keras.optimizers" or name.name not in aliases:
                continue
            class_name = aliases[name.name]
            func = call.node.func
            written = _written(ctx, call)
            if isinstance(func, cst.Attribute):
                edits = [ctx.replace(func.attr, class_name)]
                shown = f"{ctx.source_of(func.value)}.{class_name}"
            else:
                reference = reference_to(ctx, func, call.scope, f"keras.optimizers.{class_name}")
                if reference is None:
                    yield self.finding(ctx, call.node, f"`{written}` was a lowercase alias of `{class_name}` in multi-backend Keras 2; Keras 3 has only `{class_name}`",
                                       self.make_fix(f"Use {class_name}", [], Applicability.DISPLAY_ONLY))
                    continue
                edits = [ctx.replace(func, reference.text), *reference.edits]
                shown = reference.text
            message = (f"`{written}(...)` was multi-backend Keras 2's lowercase alias of `{class_name}`; tf.keras and Keras 3 have only the "
                       f"class (AttributeError / ImportError). Use `{shown}`")
            yield self.finding(ctx, call.node, message, self.make_fix(f"Use `{shown}`", edits))


def keras1_evidence(ctx: Context) -> str | None:
    """A Keras-1-only construct in the file (which then ran on multi-backend Keras), or None."""
    return ctx.memo("keras1_evidence", _find_keras1_evidence)


def _find_keras1_evidence(ctx: Context) -> str | None:
    table = legacy.data().get("keras1_evidence", {})
    layer_keywords = frozenset(table.get("layer_keywords", ()))
    fit_keywords = frozenset(table.get("fit_keywords", ()))
    for call in ctx.calls:
        name = call.name
        if name is not None:
            if name.module == "keras.layers" and name.name[:1].isupper():
                used = sorted(layer_keywords & call.keywords.keys())
                if used:
                    return f"`{ctx.source_of(call.node.func)}({used[0]}=...)`"
            if name.is_("keras.Model") and ({"input", "output"} & call.keywords.keys()):
                return f"`{ctx.source_of(call.node.func)}(input=..., output=...)`"
            if name.path in ("keras.backend.image_dim_ordering", "keras.backend.set_image_dim_ordering", "keras.layers.merge", "keras.layers.Merge"):
                return f"`{ctx.source_of(call.node.func)}(...)`"
        elif isinstance(call.node.func, cst.Attribute) and call.node.func.attr.value in ("fit", "fit_generator", "evaluate", "evaluate_generator", "predict_generator"):
            used = sorted(fit_keywords & call.keywords.keys())
            if used and ctx.imports_keras:
                return f"`{call.node.func.attr.value}({used[0]}=...)`"
    return None


class OptimizerDefaultLearningRate(Rule):
    """## What it does
    In code written for Keras 1 (the file uses a Keras-1-only argument such as `nb_epoch=`,
    `border_mode=`, `init=` or `Model(input=, output=)`), finds the optimizers whose default
    learning rate changed: `optimizer='adadelta'` or `Adadelta()` without a learning rate, and
    likewise `'adagrad'`, `'adamax'`, `'nadam'`. It writes the Keras 1 optimizer out:
    `Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-8)`.

    ## Why is this bad?
    Keras 1 and multi-backend Keras 2 used learning rate 1.0 for Adadelta, 0.01 for Adagrad
    (with accumulators starting at 0) and 0.002 for Adamax and Nadam; tf.keras 2 and Keras 3
    use 0.001 for all four (Adagrad's accumulators start at 0.1). The same string trains
    1000 times slower for Adadelta, with no error and no warning.

    ## Example
    ```python
    seq.compile(loss="binary_crossentropy", optimizer="adadelta")  # a Keras 1 file
    ```

    ## Use instead
    ```python
    seq.compile(loss="binary_crossentropy", optimizer=Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-8))
    ```

    ## Fix safety
    Unsafe: the Keras 1 evidence is strong (tf.keras never accepted those arguments), but the
    file could have been updated for tf.keras and kept an old keyword by accident. The rule
    stays quiet in files that import `tensorflow.keras` (whose defaults are Keras 3's), and in
    files without Keras 1 evidence: `import keras` alone cannot tell multi-backend Keras 2
    (lr 1.0) from Keras 3 (lr 0.001).
    """

    code = "KRS506"
    relies_on_other_code = True  # Keras 1 code elsewhere in the file
    name = "optimizer-default-learning-rate"
    summary = "A Keras 1 file's 'adadelta'/'adagrad'/'adamax'/'nadam' optimizer: its default learning rate changed"
    family = "Optimizers"
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="adadelta", loss="mse")
            """), note="no Keras 1 evidence: could be written for Keras 3"),
        Valid(dedent("""
            from keras.models import Sequential
            from keras.layers import Dense, Input
            from keras.optimizers import Adadelta
            model = Sequential([Input((4,)), Dense(1, kernel_initializer="zeros")])
            model.compile(optimizer=Adadelta(learning_rate=1.0), loss="mse")
            """)),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Dense, Input
                model = Sequential([Input((4,)), Dense(1, init="zero")])
                model.compile(optimizer="adadelta", loss="mse")
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Dense, Input
                from keras.optimizers import Adadelta
                model = Sequential([Input((4,)), Dense(1, init="zero")])
                model.compile(optimizer=Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-8), loss="mse")
                """),
            message="default learning rate was 1.0",
            runnable=False,
            note="the Keras 1 `init=` is another rule's; this one only fixes the optimizer",
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.models import Sequential
                from keras.layers import Dense, Input
                from keras.optimizers import Adagrad
                model = Sequential([Input((4,)), Dense(1)])
                model.compile(optimizer=Adagrad(), loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), nb_epoch=1)
                """),
            fixed=dedent("""
                import numpy as np
                from keras.models import Sequential
                from keras.layers import Dense, Input
                from keras.optimizers import Adagrad
                model = Sequential([Input((4,)), Dense(1)])
                model.compile(optimizer=Adagrad(learning_rate=0.01, initial_accumulator_value=0.0, epsilon=1e-8), loss="mse")
                model.fit(np.zeros((2, 4)), np.zeros((2, 1)), nb_epoch=1)
                """),
            message="0.01",
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if _root_is_tf_keras(ctx):
            return
        evidence = None
        defaults = _table().get("keras1_defaults", {})
        for site, key, scope, kind in _default_lr_sites(ctx, defaults):
            evidence = evidence or keras1_evidence(ctx)
            if evidence is None:
                return
            entry = defaults[key]
            class_name = entry["class"]
            keras3_lr = keras3.signature(f"keras.optimizers.{class_name}").param("learning_rate").default
            head = (f"this file is Keras 1 code ({evidence}), where {class_name}'s default learning rate was {entry['learning_rate']}; "
                    f"tf.keras 2 and Keras 3 use {keras3_lr}, so it silently trains {entry['learning_rate'] / keras3_lr:g} times slower")
            if kind == "string":
                spelling = object_spelling(ctx, scope, f"keras.optimizers.{class_name}", root="keras")
                shown = f"{class_name}({', '.join(entry['arguments'])})"
                message = f"optimizer={ctx.source_of(site)}: {head}. Use `{shown}`"
                if spelling is None:
                    yield self.finding(ctx, site, message, self.make_fix(f"Use `{shown}`", [], Applicability.DISPLAY_ONLY))
                    continue
                edits = [Edit(*ctx.outer_span(site), f"{spelling.text}({', '.join(entry['arguments'])})"), *spelling.edits]
                yield self.finding(ctx, site, message, self.make_fix(f"Use `{shown}`", edits))
            else:
                call = site
                present = {a.keyword.value for a in call.node.args if a.keyword is not None}
                missing = [piece for piece in entry["arguments"] if piece.split("=")[0] not in present]
                shown = f"{class_name}({', '.join(entry['arguments'])})"
                message = f"`{ctx.source_of(call.node.func)}()` without a learning rate: {head}. Use `{shown}`"
                if call.positional or call.has_star_args:
                    yield self.finding(ctx, call.node, message, self.make_fix(f"Use `{shown}`", [], Applicability.DISPLAY_ONLY))
                    continue
                if call.node.args:
                    edit = Edit(ctx.span(call.node.args[0])[0], ctx.span(call.node.args[0])[0], ", ".join(missing) + ", ")
                else:
                    paren = ctx.text.index("(", ctx.outer_span(call.node.func)[1])
                    edit = Edit(paren + 1, paren + 1, ", ".join(missing))
                yield self.finding(ctx, call.node, message, self.make_fix(f"Use `{shown}`", [edit]))


def _root_is_tf_keras(ctx: Context) -> bool:
    return file_root(ctx) != "keras"


def _default_lr_sites(ctx: Context, defaults: dict):
    """(node, defaults key, scope, "string" | "class") for each optimizer given by a changed-default
    string in compile(), or constructed without a learning rate."""
    classes = {entry["class"]: key for key, entry in defaults.items()}
    for call in ctx.calls:
        func = call.node.func
        if call.name is None and isinstance(func, cst.Attribute) and func.attr.value == "compile" and ctx.imports_keras:
            arg = call.argument("optimizer", 0)
            if arg is None:
                continue
            constant = ctx.constant(arg.value, call.scope)
            if constant is None or not isinstance(constant.value, str) or not isinstance(constant.node, cst.SimpleString):
                continue
            key = constant.value.lower()
            if key in defaults and constant.node is arg.value:
                yield arg.value, key, call.scope, "string"
        elif call.name is not None:
            found = optimizer_class(call.name)
            if found is None or found[1] or found[0] not in classes:
                continue
            if _learning_rate_argument(call) is not None:
                continue
            yield call, classes[found[0]], call.scope, "class"


class KerasOneCustomOptimizer(Rule):
    """## What it does
    Finds custom optimizers (classes derived from a Keras optimizer) that implement Keras 1's
    `get_updates(self, params, constraints, loss)`, or `get_updates`/`get_gradients` at all
    when the target is Keras 3.

    ## Why is this bad?
    Keras 2.0.7 changed the signature to `get_updates(self, loss, params)`; Keras 3 never calls
    either: a Keras 3 optimizer implements `build(variables)` and `update_step(gradient,
    variable, learning_rate)`. The old class trains nothing, or fails as soon as `fit` asks it
    for an update.

    ## Example
    ```python
    class MySGD(Optimizer):
        def get_updates(self, params, constraints, loss):
            ...
    ```

    ## Use instead
    ```python
    class MySGD(keras.optimizers.Optimizer):
        def update_step(self, gradient, variable, learning_rate):
            variable.assign_sub(learning_rate * gradient)
    ```

    ## Fix safety
    No automatic fix: the update has to be rewritten by hand. With `target-keras = "2"`, only
    the Keras 1 three-argument form is reported.
    """

    code = "KRS507"
    name = "keras1-custom-optimizer"
    summary = "A custom optimizer implementing `get_updates` (Keras 1/2), which Keras 3 never calls"
    family = "Optimizers"
    examples = (
        Valid(dedent("""
            import keras
            class MySGD(keras.optimizers.Optimizer):
                def update_step(self, gradient, variable, learning_rate):
                    variable.assign_sub(learning_rate * gradient)
            """)),
        Valid(dedent("""
            import tensorflow as tf
            class MySGD(tf.keras.optimizers.Optimizer):
                def get_updates(self, loss, params):
                    return []
            """), settings={"target-keras": "2"}, note="the Keras 2 signature, for target-keras 2"),
        Valid(dedent("""
            class Scheduler:
                def get_updates(self, params, constraints, loss):
                    return []
            """), note="not a Keras optimizer"),
        Invalid(
            dedent("""
                import keras
                class MySGD(keras.optimizers.Optimizer):
                    def get_updates(self, params, constraints, loss):
                        return []
                """),
            message="update_step",
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if "get_updates" not in ctx.text and "get_gradients" not in ctx.text:
            return
        target2 = ctx.settings.target_keras == "2"
        for node, scope in list(ctx.semantic.scope_of_node.items()):
            if not isinstance(node, cst.ClassDef) or scope.parent is None:
                continue
            if not any(self._is_keras_optimizer(ctx, base.value, scope.parent) for base in node.bases):
                continue
            for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
                if not isinstance(statement, cst.FunctionDef) or statement.name.value not in ("get_updates", "get_gradients"):
                    continue
                params = [p.name.value for p in statement.params.params]
                keras1_order = statement.name.value == "get_updates" and params[1:4] == ["params", "constraints", "loss"]
                if target2 and not keras1_order:
                    continue
                order = " with Keras 1's (params, constraints, loss) order, which Keras 2.0.7 changed to (loss, params);" if keras1_order else ";"
                message = (f"`{node.name.value}.{statement.name.value}()`{order} Keras 3 optimizers never call it: implement "
                           "`build(self, variables)` and `update_step(self, gradient, variable, learning_rate)` instead")
                yield self.finding(ctx, statement.name, message)

    @staticmethod
    def _is_keras_optimizer(ctx: Context, expr: cst.BaseExpression, scope: Scope) -> bool:
        name = ctx.keras_name(expr, scope)
        return name is not None and name.module in ("keras.optimizers", "keras.optimizers.legacy")
