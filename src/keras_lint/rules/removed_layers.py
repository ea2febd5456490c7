"""Layer classes Keras 3 no longer has (catalog 1.4, 2.5): rewritten where an exact
replacement exists (Deconvolution2D, AtrousConvolution2D, TimeDistributedDense, CuDNNLSTM,
SyncBatchNormalization, ThresholdedReLU), explained where none does (Highway, MaxoutDense,
LocallyConnected2D, ...). `Merge` is KRS201's."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge import keras3
from keras_lint.knowledge.legacy_layers import RemovedFunction, RemovedLayer, converter_for, removed_functions, removed_layers
from keras_lint.rewrite import remove_alias
from keras_lint.rules._kernel import kernel_form
from keras_lint.rules._layer_support import disjoint, layer_references, rename_reference, weakest
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.semantic.names import KerasName, keras_name

# Keywords of Keras 1's TimeDistributedDense that belong to the wrapper, not to the Dense.
_WRAPPER_KEYWORDS = ("name", "input_shape", "batch_input_shape", "trainable")


def _applies(name: KerasName, entry: RemovedLayer, target: str) -> bool:
    """Whether the removed class is missing for this import and target."""
    if target == "2" and not entry.removed_in.startswith("2"):
        return False
    if entry.removed_in.startswith("3") and name.flavour in ("tf_keras", "tensorflow.python.keras"):
        return False  # Keras 2 packages: the class is there (KRS302 reports the frozen copy)
    if entry.shim and name.flavour == "tf.keras" and keras3.lookup(name.path, "tf.keras") is not None:
        return False  # TF 2.16+'s tf.keras shim still exports it
    return True


def _removed_entry(name: KerasName | None) -> RemovedLayer | None:
    if name is None or name.module != "keras.layers" or name.api is not None:
        return None
    return removed_layers().get(name.name)


class RemovedLayerClass(Rule):
    """## What it does
    Finds layer classes that Keras 3 no longer has and rewrites them where Keras 3 has an exact
    replacement: `Deconvolution2D`/`Deconv2D` → `Conv2DTranspose` (and the 3D ones),
    `AtrousConvolution1D/2D(atrous_rate=r)` → `Conv1D/Conv2D(dilation_rate=r)`,
    `TimeDistributedDense(...)` → `TimeDistributed(Dense(...))`, `CuDNNLSTM`/`CuDNNGRU` →
    `LSTM`/`GRU`, `SyncBatchNormalization(...)` → `BatchNormalization(..., synchronized=True)`,
    `ThresholdedReLU(theta=t)` → `ReLU(threshold=t)`. `MaxoutDense`, `Highway`,
    `LocallyConnected1D/2D`, `ParametricSoftplus`, `SReLU`, `RandomFourierFeatures`,
    `DenseFeatures` and `AbstractRNNCell` have none: the message says what they computed and
    what to do. An unused import of such a class is removed.

    ## Why is this bad?
    The import fails (`ImportError: cannot import name 'Deconvolution2D' from 'keras.layers'`),
    or `keras.layers.Highway` raises `AttributeError`, before any model is built.

    ## Example
    ```python
    x = Deconvolution2D(64, 5, 5, output_shape=(None, 14, 14, 64), subsample=(2, 2))(x)
    y = TimeDistributedDense(64, activation="tanh")(y)
    ```

    ## Use instead
    ```python
    x = Conv2DTranspose(64, (5, 5), subsample=(2, 2))(x)  # then KRS202: strides=(2, 2)
    y = TimeDistributed(Dense(64, activation="tanh"))(y)
    ```

    ## Fix safety
    The renames are safe; the Keras 1 positional kernel (`Deconvolution2D(64, 5, 5)`) is
    rewritten in the same fix, so the new class never reads the kernel's second size as
    `strides` (unsafe when the sizes are not provably ints, see KRS203). Dropping
    Deconvolution2D's `output_shape` is unsafe: Conv2DTranspose computes the output size
    itself, and it may differ when the Keras 1 shape was not the natural one (then pass
    `output_padding`). `ThresholdedReLU` → `ReLU(threshold=t)` is unsafe: the two differ at
    exactly x == t (0 versus t). `CuDNNLSTM` with more than one positional argument is
    explained only (the second parameters differ). Classes that tf.keras 2 still had are not
    reported with `target-keras = "2"`; `ThresholdedReLU` is not reported under
    `tensorflow.keras`, whose TF 2.16+ shim still exports it.
    """

    code = "KRS206"
    name = "removed-layer"
    summary = "A layer class Keras 3 removed (`Deconvolution2D`, `TimeDistributedDense`, `Highway`, `CuDNNLSTM`, ...)"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.layers import Conv2DTranspose, Dense, TimeDistributed
            up = Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same")
            td = TimeDistributed(Dense(64))
            """)),
        Valid(dedent("""
            import tensorflow as tf
            layer = tf.keras.layers.ThresholdedReLU(theta=0.5)
            """), note="TF 2.16+'s tf.keras shim still has it"),
        Valid(dedent("""
            import tensorflow as tf
            layer = tf.keras.layers.LocallyConnected2D(8, (3, 3))
            """), settings={"target-keras": "2"}, note="tf.keras 2 had it", runnable=False),
        Invalid(
            dedent("""
                from keras.layers import Input, Deconvolution2D
                x = Input((7, 7, 128))
                y = Deconvolution2D(64, 5, 5, output_shape=(None, 11, 11, 64))(x)
                """),
            fixed=dedent("""
                from keras.layers import Input, Conv2DTranspose
                x = Input((7, 7, 128))
                y = Conv2DTranspose(64, (5, 5))(x)
                """),
            message="output_shape",
            applicability=Applicability.UNSAFE,
            keras=Raises("Deconvolution2D"),
            fixed_check="tuple(y.shape) == (None, 11, 11, 64)",
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import AtrousConvolution1D, TimeDistributedDense
                model = Sequential()
                model.add(AtrousConvolution1D(8, 3, atrous_rate=2, padding='same', input_shape=(20, 4)))
                model.add(TimeDistributedDense(5, activation='tanh', name='per_step'))
                """),
            fixed=dedent("""
                from keras.models import Sequential
                from keras.layers import Conv1D, TimeDistributed, Dense
                model = Sequential()
                model.add(Conv1D(8, 3, dilation_rate=2, padding='same', input_shape=(20, 4)))
                model.add(TimeDistributed(Dense(5, activation='tanh'), name='per_step'))
                """),
            count=2,
            keras=Raises("AtrousConvolution1D"),
            fixed_check="model.output_shape == (None, 20, 5) and model.layers[0].dilation_rate == (2,) and model.layers[1].name == 'per_step'",
        ),
        Invalid(
            dedent("""
                import keras
                rnn = keras.layers.CuDNNLSTM(32, return_sequences=True)
                norm = keras.layers.SyncBatchNormalization(momentum=0.9)
                act = keras.layers.ThresholdedReLU(theta=0.5)
                """),
            fixed=dedent("""
                import keras
                rnn = keras.layers.LSTM(32, return_sequences=True)
                norm = keras.layers.BatchNormalization(momentum=0.9, synchronized=True)
                act = keras.layers.ReLU(threshold=0.5)
                """),
            count=3,
            keras=Raises("has no attribute 'CuDNNLSTM'"),
            fixed_check="rnn.return_sequences and norm.synchronized and float(act.threshold) == 0.5",
        ),
        Invalid(
            dedent("""
                from keras.layers import Dense, Highway
                hidden = Highway(activation='relu')
                """),
            fixed=None,
            message="T = sigmoid(x W_carry + b_carry)",
            keras=Raises("cannot import name 'Highway'"),
        ),
        Invalid(
            dedent("""
                from keras.layers import Dense, MaxoutDense
                dense = Dense(4)
                """),
            fixed=dedent("""
                from keras.layers import Dense
                dense = Dense(4)
                """),
            message="not used",
            keras=Raises("cannot import name 'MaxoutDense'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        target = ctx.settings.target_keras
        for call in ctx.keras_calls:
            entry = _removed_entry(call.name)
            if entry is None or not _applies(call.name, entry, target):
                continue
            yield self._check_call(ctx, call, entry)
        yield from self._unused_imports(ctx, target)

    def _check_call(self, ctx: Context, call: Call, entry: RemovedLayer) -> Finding:
        name = call.name
        when = "was removed in Keras 2.0" if entry.removed_in.startswith("2") else "is gone from Keras 3"
        how = (f"`from ... import {name.name}` fails with ImportError" if isinstance(call.node.func, cst.Name)
               else f"`{ctx.source_of(call.node.func)}` raises AttributeError")
        head = f"`{name.name}` {when} ({how}): {entry.why}"
        if call.has_star_args or entry.rewrite == "none":
            return self.finding(ctx, call.node, head, self.make_fix(entry.why, [], Applicability.DISPLAY_ONLY))
        rewrite = getattr(self, f"_rewrite_{entry.rewrite}")
        outcome = rewrite(ctx, call, entry)
        if isinstance(outcome, str):
            return self.finding(ctx, call.node, f"{head}; {outcome}", self.make_fix(outcome, [], Applicability.DISPLAY_ONLY))
        shown, edits, applicability, notes = outcome
        ordered = disjoint(edits)
        message = f"{head}. Use `{shown}`" + ("".join(f"; {note}" for note in notes))
        if ordered is None:
            return self.finding(ctx, call.node, message, self.make_fix(f"Use {shown}", [], Applicability.DISPLAY_ONLY))
        return self.finding(ctx, call.node, message, self.make_fix(f"Rewrite as `{shown}`", ordered, applicability))

    # -- rewrites: (shown, edits, applicability, notes) or a reason why not -------------------------

    def _rewrite_rename(self, ctx: Context, call: Call, entry: RemovedLayer):
        new_name = entry.replacement.rsplit(".", 1)[-1]
        if name_is_cudnn(entry) and len(call.positional) > 1:
            return f"use `{new_name}(...)`, naming every argument after `units` (their positions differ)"
        reference = rename_reference(ctx, call.node.func, call.scope, entry.replacement)
        if reference is None:
            return f"use `{new_name}` (keras-lint could not rewrite the import here)"
        edits: list[Edit] = [ctx.replace(call.node.func, reference.text), *reference.edits]
        applicability = Applicability(entry.fix)
        notes: list[str] = []
        shown_args = ["..."]
        for old, new in entry.renames.items():
            arg = call.keyword(old)
            if arg is not None:
                edits.append(ctx.replace(arg.keyword, new))
                shown_args.append(f"{new}={ctx.outer_source(arg.value)}")
        kind = entry.kernel or getattr(converter_for(call.name.path), "kernel", None)
        if kind is not None:
            form = kernel_form(ctx, call, kind)
            if form is not None:
                if not form.complete or (form.parts and not form.edits and form.silent) or (not form.edits and form.notes):
                    return f"use `{new_name}(filters, kernel_size=(...))`: " + (form.keras3_reading or "; ".join(form.notes))
                edits.extend(form.edits)
                applicability = weakest(applicability, form.applicability)
                notes.extend(form.notes)
                if form.kernel_text:
                    shown_args.insert(1, form.kernel_text)
        return f"{reference.text}({', '.join(shown_args)})", edits, applicability, notes

    def _rewrite_wrap_dense(self, ctx: Context, call: Call, entry: RemovedLayer):
        references = layer_references(ctx, call.node.func, call.scope, ["TimeDistributed", "Dense"], keep_old=False)
        if references is None:
            return "use `TimeDistributed(Dense(...))` (keras-lint could not rewrite the import here)"
        (wrapper, dense), import_edits = references
        inner: list[str] = []
        outer: list[str] = []
        dim = call.keyword("input_dim")
        length = call.keyword("input_length")
        for arg in call.node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in ("input_dim", "input_length"):
                continue
            text = ctx.source_of(arg)
            (outer if keyword in _WRAPPER_KEYWORDS else inner).append(text)
        if dim is not None:
            outer.append(f"input_shape=({ctx.outer_source(length.value) if length is not None else 'None'}, {ctx.outer_source(dim.value)})")
        elif length is not None:
            return "use `TimeDistributed(Dense(...), input_shape=(input_length, input_dim))`"
        text = f"{wrapper}({dense}({', '.join(inner)})" + "".join(f", {o}" for o in outer) + ")"
        edits = [ctx.replace(call.node, text), *import_edits]
        return f"{wrapper}({dense}(...))", edits, Applicability(entry.fix), []

    def _rewrite_thresholded_relu(self, ctx: Context, call: Call, entry: RemovedLayer):
        reference = rename_reference(ctx, call.node.func, call.scope, entry.replacement)
        if reference is None:
            return "use `ReLU(threshold=theta)` (keras-lint could not rewrite the import here)"
        edits: list[Edit] = [ctx.replace(call.node.func, reference.text), *reference.edits]
        theta = call.argument("theta", 0)
        if len(call.positional) > 1:
            return "use `ReLU(threshold=theta)`"
        if theta is None:
            threshold = "1.0"
            edits.append(_insert_first_argument(ctx, call, "threshold=1.0"))
        else:
            threshold = ctx.outer_source(theta.value)
            if theta.keyword is not None:
                edits.append(ctx.replace(theta.keyword, "threshold"))
            else:
                edits.append(ctx.insert_before(theta.value, "threshold="))
        note = f"ThresholdedReLU gave 0 at exactly x == {threshold}, ReLU(threshold={threshold}) gives {threshold} there"
        return f"{reference.text}(threshold={threshold})", edits, Applicability(entry.fix), [note]

    def _rewrite_synchronized(self, ctx: Context, call: Call, entry: RemovedLayer):
        reference = rename_reference(ctx, call.node.func, call.scope, entry.replacement)
        if reference is None:
            return "use `BatchNormalization(..., synchronized=True)` (keras-lint could not rewrite the import here)"
        if call.keyword("synchronized") is not None:
            return "use `BatchNormalization(..., synchronized=True)`"
        edits = [ctx.replace(call.node.func, reference.text), *reference.edits, _append_argument(ctx, call, "synchronized=True")]
        return f"{reference.text}(..., synchronized=True)", edits, Applicability(entry.fix), []

    # -- imports -----------------------------------------------------------------------------------

    def _unused_imports(self, ctx: Context, target: str) -> Iterator[Finding]:
        for statement, scope in ctx.semantic.imports:
            if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                continue
            for alias in statement.names:
                bound = alias.asname.name.value if alias.asname is not None else getattr(alias.name, "value", None)
                if bound is None:
                    continue
                binding = next((b for b in scope.bindings.get(bound, []) if b.node is statement), None)
                if binding is None or not binding.path:
                    continue
                name = keras_name(binding.path)
                entry = _removed_entry(name)
                if entry is None or not _applies(name, entry, target) or ctx.semantic.reads_of(binding):
                    continue
                message = f"`{bound}` is imported but not used, and Keras 3 has no `{name.name}`: the import itself fails"
                fix = self.make_fix(f"Remove the import of `{bound}`", [remove_alias(ctx, statement, alias)], Applicability.SAFE)
                yield self.finding(ctx, alias, message, fix)


def name_is_cudnn(entry: RemovedLayer) -> bool:
    return entry.name.startswith("CuDNN")


def _closing_paren(ctx: Context, call: Call) -> int:
    end = ctx.span(call.node)[1]
    position = ctx.text.rfind(")", 0, end)
    return position


def _append_argument(ctx: Context, call: Call, text: str) -> Edit:
    if call.node.args:
        end = ctx.span(call.node.args[-1])[1]
        return Edit(end, end, f", {text}")
    position = _closing_paren(ctx, call)
    return Edit(position, position, text)


def _insert_first_argument(ctx: Context, call: Call, text: str) -> Edit:
    if call.node.args:
        start = ctx.span(call.node.args[0])[0]
        return Edit(start, start, f"{text}, ")
    position = _closing_paren(ctx, call)
    return Edit(position, position, text)


class RemovedRegularizerConstraint(Rule):
    """## What it does
    Finds the Keras 1 regularizer and constraint functions Keras 3 removed and rewrites them to
    their Keras 2+ names: `maxnorm(3)` → `max_norm(3)` (`m=` → `max_value=`), `nonneg()` →
    `non_neg()`, `unitnorm()` → `unit_norm()`, `l1l2(...)` → `l1_l2(...)`,
    `activity_l2(x)` → `l2(x)`, `activity_l1(x)` → `l1(x)`, `WeightRegularizer(l1=, l2=)` →
    `L1L2(l1=, l2=)`. `EigenvalueRegularizer` is explained.

    ## Why is this bad?
    The import fails: `ImportError: cannot import name 'maxnorm' from 'keras.constraints'`.

    ## Example
    ```python
    from keras.constraints import maxnorm
    from keras.regularizers import activity_l2
    Dense(64, kernel_constraint=maxnorm(3), activity_regularizer=activity_l2(1e-5))
    ```

    ## Use instead
    ```python
    from keras.constraints import max_norm
    from keras.regularizers import l2
    Dense(64, kernel_constraint=max_norm(3), activity_regularizer=l2(1e-5))
    ```

    ## Fix safety
    The constraints and weight regularizers compute what Keras 1 computed: safe. Keras 1's
    `l1l2()` defaulted to 0.01 for both factors and Keras 3's `l1_l2()` to 0, so the Keras 1
    defaults are written out. The activity regularizers are unsafe: Keras 1 added the penalty in
    training only, Keras 3 also in `evaluate()`, so reported validation losses grow by it (the
    penalty itself, the batch mean of the summed activations, is the same). With
    `target-keras = "2"`, `maxnorm`/`nonneg`/`unitnorm` (aliases multi-backend Keras 2 kept)
    are not reported.
    """

    code = "KRS209"
    name = "removed-regularizer-constraint"
    summary = "A Keras 1 regularizer or constraint function (`maxnorm`, `activity_l2`, `l1l2`, ...) Keras 3 removed"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.constraints import max_norm
            from keras.regularizers import l2
            from keras.layers import Dense
            layer = Dense(4, kernel_constraint=max_norm(3), activity_regularizer=l2(1e-5))
            """)),
        Valid(dedent("""
            from keras.constraints import maxnorm
            """), settings={"target-keras": "2"}, note="multi-backend Keras 2 kept the alias", runnable=False),
        Invalid(
            dedent("""
                from keras.constraints import maxnorm, nonneg
                from keras.regularizers import l1l2
                from keras.layers import Dense
                layer = Dense(4, kernel_constraint=maxnorm(m=3), bias_constraint=nonneg(), kernel_regularizer=l1l2())
                """),
            fixed=dedent("""
                from keras.constraints import max_norm, non_neg
                from keras.regularizers import l1_l2
                from keras.layers import Dense
                layer = Dense(4, kernel_constraint=max_norm(max_value=3), bias_constraint=non_neg(), kernel_regularizer=l1_l2(l1=0.01, l2=0.01))
                """),
            count=3,
            keras=Raises("cannot import name 'maxnorm'"),
            fixed_check="layer.kernel_constraint.max_value == 3 and abs(layer.kernel_regularizer.l1 - 0.01) < 1e-9",
        ),
        Invalid(
            dedent("""
                from keras import regularizers
                from keras.layers import Dense
                layer = Dense(4, activity_regularizer=regularizers.activity_l2(1e-5))
                """),
            fixed=dedent("""
                from keras import regularizers
                from keras.layers import Dense
                layer = Dense(4, activity_regularizer=regularizers.l2(1e-5))
                """),
            applicability=Applicability.UNSAFE,
            message="in training only",
            keras=Raises("has no attribute 'activity_l2'"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        target = ctx.settings.target_keras
        for call in ctx.keras_calls:
            name = call.name
            entry = removed_functions().get(name.path)
            if entry is None or name.api is not None:
                continue
            if entry.removed_in.startswith("3") and (target == "2" or name.flavour in ("tf_keras", "tensorflow.python.keras")):
                continue
            yield self._check_call(ctx, call, entry)

    def _check_call(self, ctx: Context, call: Call, entry: RemovedFunction) -> Finding:
        old = call.name.name
        when = "Keras 2.0" if entry.removed_in.startswith("2") else "Keras 3"
        head = f"`{old}` was removed in {when} (the import fails)"
        if entry.replacement is None or call.has_star_args:
            why = entry.why or "rewrite it by hand"
            return self.finding(ctx, call.node, f"{head}: {why}", self.make_fix(why, [], Applicability.DISPLAY_ONLY))
        new_name = entry.replacement.rsplit(".", 1)[-1]
        reference = rename_reference(ctx, call.node.func, call.scope, entry.replacement)
        if reference is None:
            detail = f"use `{new_name}` (keras-lint could not rewrite the import here)"
            return self.finding(ctx, call.node, f"{head}; {detail}", self.make_fix(detail, [], Applicability.DISPLAY_ONLY))
        edits: list[Edit] = [ctx.replace(call.node.func, reference.text), *reference.edits]
        for keyword, new in entry.renames.items():
            arg = call.keyword(keyword)
            if arg is not None:
                edits.append(ctx.replace(arg.keyword, new))
        given = {entry.positional[i] for i in range(min(len(call.positional), len(entry.positional)))} | set(call.keywords)
        missing = [f"{k}={v}" for k, v in entry.defaults.items() if k not in given]
        if missing:
            edits.append(_append_argument(ctx, call, ", ".join(missing)))
        notes = []
        if missing:
            notes.append(f"Keras 1 defaulted to {', '.join(missing)} and Keras 3 to 0, so they are written out")
        if entry.activity:
            notes.append("Keras 1 added an activity penalty in training only, Keras 3 also in evaluate(): validation losses include it")
        message = f"{head}; use `{reference.text}(...)`" + "".join(f". {n[0].upper()}{n[1:]}" for n in notes)
        ordered = disjoint(edits)
        if ordered is None:
            return self.finding(ctx, call.node, message, self.make_fix(f"Use {new_name}", [], Applicability.DISPLAY_ONLY))
        return self.finding(ctx, call.node, message, self.make_fix(f"Rewrite as `{reference.text}(...)`", ordered, Applicability(entry.fix)))
