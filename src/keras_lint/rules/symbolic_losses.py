"""Losses built from a model's symbolic tensors (catalog §2.3 "symbolic `add_loss(tensor)`",
"`tf.*` ops called on a KerasTensor"): a `compile()` loss or metric that closes over tensors
of the graph (the 2017 Keras VAE's `z_mean`), `model.add_loss(tensor)` on a functional model,
and Keras 2's `add_loss(..., inputs=...)`.

Which expressions are symbolic tensors is decided by `semantic.symbolic`."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Finding
from keras_lint.rules._layer_support import remove_argument
from keras_lint.rules._targets import keras3_applies
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.rules.training import is_keras_compile
from keras_lint.semantic.keras_models import model_sources
from keras_lint.semantic.model import BindingKind, Scope, ScopeKind
from keras_lint.semantic.symbolic import is_symbolic, keras_layer_class

# Keras 3's error (keras/src/backend/common/keras_tensor.py, TensorFlow backend), at the first fit.
KERAS_TENSOR_ERROR = "ValueError: A KerasTensor cannot be used as input to a TensorFlow function"
CONVERSION_ERROR = "TypeError: Failed to convert elements of (None,) to Tensor"

ADD_LOSS_LAYER = (
    "class KLDivergence(keras.layers.Layer):  "
    "def call(self, inputs):  z_mean, z_log_var = inputs;  "
    "self.add_loss(-0.5 * keras.ops.mean(keras.ops.sum(1 + z_log_var - keras.ops.square(z_mean) - keras.ops.exp(z_log_var), axis=-1)));  "
    "return inputs"
)
ADD_LOSS_ADVICE = (
    "compute the term inside the model instead: a layer whose `call()` adds it with `self.add_loss(...)` and passes its inputs through, "
    f"e.g. `{ADD_LOSS_LAYER}`, used as `z_mean, z_log_var = KLDivergence()([z_mean, z_log_var])`; "
    "fit() adds the layer's loss to the compile() loss, which keeps only the terms of (y_true, y_pred)"
)


def _inside(scope: Scope | None, outer: Scope) -> bool:
    while scope is not None:
        if scope is outer:
            return True
        scope = scope.parent
    return False


def _functions_passed(ctx: Context, value: cst.BaseExpression, scope: Scope) -> Iterator[tuple[cst.BaseExpression, str, Scope]]:
    """(node, shown name, body scope) of each function of the file passed as `value`: a name
    bound to a `def`, a lambda, or lists/tuples/dicts of them."""
    if isinstance(value, (cst.List, cst.Tuple)):
        for element in value.elements:
            yield from _functions_passed(ctx, element.value, scope)
    elif isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                yield from _functions_passed(ctx, element.value, scope)
    elif isinstance(value, cst.Lambda):
        body = ctx.semantic.scope_of_node.get(value)
        if body is not None:
            yield value, "the lambda", body
    elif isinstance(value, cst.Name):
        bindings = ctx.semantic.lookup(value.value, scope)
        if bindings and len(bindings) == 1 and bindings[0].kind is BindingKind.FUNCTION:
            info = ctx.semantic.function_of.get(bindings[0].node)
            if info is not None:
                yield value, f"`{value.value}`", info.body_scope


def _symbolic_free_names(ctx: Context, body: Scope) -> list[str]:
    """Names a function reads from an enclosing scope that are symbolic tensors there."""
    found: list[str] = []
    for name, reads in ctx.semantic.name_reads.items():
        for node, read_scope in reads:
            if not _inside(read_scope, body):
                continue
            bindings = ctx.semantic.lookup(name, read_scope)
            if not bindings or any(_inside(b.scope, body) for b in bindings):
                continue
            if is_symbolic(ctx, node, read_scope):
                found.append(name)
                break
    return sorted(found)


class LossClosesOverSymbolicTensor(Rule):
    """## What it does
    Finds a loss or metric function passed to `compile()` that reads symbolic tensors of the
    model (names bound to `Input(...)` or to the outputs of layer calls, such as a VAE's
    `z_mean` and `z_log_var`) from the function that builds the model, and explains how to
    compute that term inside the model instead.

    ## Why is this bad?
    Keras 2 with the TensorFlow 1 graph let a loss close over any tensor of the graph: the
    2017 `variational_autoencoder.py` computed its KL term in the `compile()` loss from
    `z_mean` and `z_log_var`. In Keras 3 those names hold `KerasTensor`s, placeholders with a
    shape and no values, and the first `fit()` fails with `ValueError: A KerasTensor cannot be
    used as input to a TensorFlow function` (or, when the symbolic value reaches the loss's
    result, `TypeError: Failed to convert elements of (None,) to Tensor`; tf.keras in
    TensorFlow 2 already failed with
    `Inputs to eager execution function cannot be Keras symbolic tensors`). Rewriting only the
    `K.*` calls of such a loss to `keras.ops` does not help: the model builds and compiles,
    and fails at `fit`.

    ## Example
    ```python
    z_mean = Dense(2)(h)
    z_log_var = Dense(2)(h)
    ...
    def vae_loss(x, x_decoded):
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        return binary_crossentropy(x, x_decoded) + kl
    vae.compile(optimizer="rmsprop", loss=vae_loss)
    ```

    ## Use instead
    ```python
    class KLDivergence(keras.layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
            self.add_loss(ops.mean(kl))
            return inputs

    z_mean, z_log_var = KLDivergence()([z_mean, z_log_var])
    ...
    vae.compile(optimizer="rmsprop", loss=binary_crossentropy)
    ```

    ## Fix safety
    No automatic fix: the term has to move into a layer, and the loss function keeps only
    what depends on `(y_true, y_pred)`. Reported for both targets: tf.keras 2 rejected it too.
    """

    code = "KRS415"
    name = "loss-closes-over-symbolic-tensor"
    summary = "A `compile()` loss or metric that reads a model's symbolic tensors (a VAE's `z_mean`): Keras 3 fails at fit"
    family = "Models and training"
    examples = (
        Valid(dedent("""
            import keras
            from keras import ops

            class KLDivergence(keras.layers.Layer):
                def call(self, inputs):
                    z_mean, z_log_var = inputs
                    self.add_loss(-0.5 * ops.mean(ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)))
                    return inputs

            x = keras.Input((8,))
            z_mean = keras.layers.Dense(2)(x)
            z_log_var = keras.layers.Dense(2)(x)
            z_mean, z_log_var = KLDivergence()([z_mean, z_log_var])
            out = keras.layers.Dense(8, activation="sigmoid")(keras.layers.Concatenate()([z_mean, z_log_var]))
            scale = 8.0

            def reconstruction(y_true, y_pred):
                return scale * keras.losses.binary_crossentropy(y_true, y_pred)

            vae = keras.Model(x, out)
            vae.compile(optimizer="rmsprop", loss=reconstruction)
            """), note="the KL term in a layer; the loss reads only a number from outside"),
        Invalid(
            dedent("""
                import keras
                from keras import ops

                def build_vae(original_dim=8, latent_dim=2):
                    x = keras.Input((original_dim,))
                    h = keras.layers.Dense(4, activation="relu")(x)
                    z_mean = keras.layers.Dense(latent_dim)(h)
                    z_log_var = keras.layers.Dense(latent_dim)(h)
                    decoded = keras.layers.Dense(original_dim, activation="sigmoid")(z_mean)

                    def vae_loss(y_true, y_pred):
                        kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
                        return original_dim * keras.losses.binary_crossentropy(y_true, y_pred) + kl

                    vae = keras.Model(x, decoded)
                    vae.compile(optimizer="rmsprop", loss=vae_loss)
                    return vae

                vae = build_vae()
                """),
            message="reads `z_log_var`, `z_mean`",
            keras=Raises("Failed to convert elements of (None,) to Tensor", stage="fit"),
        ),
        Invalid(
            dedent("""
                import keras
                inputs = keras.Input((4,))
                features = keras.layers.Dense(3)(inputs)
                outputs = keras.layers.Dense(1)(features)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss="mse", metrics=[lambda y_true, y_pred: keras.ops.mean(y_pred - features)])
                """),
            message="the lambda",
            keras=Raises("A KerasTensor cannot be used as input to a TensorFlow function", stage="fit"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for call in ctx.method_calls("compile"):
            if not is_keras_compile(ctx, call):
                continue
            for keyword in ("loss", "metrics", "weighted_metrics"):
                arg = call.keyword(keyword)
                if arg is None:
                    continue
                for node, shown, body in _functions_passed(ctx, arg.value, call.scope):
                    names = _symbolic_free_names(ctx, body)
                    if names:
                        yield self._finding(ctx, node, shown, keyword, names)

    def _finding(self, ctx: Context, node: cst.CSTNode, shown: str, keyword: str, names: list[str]) -> Finding:
        what = "loss" if keyword == "loss" else "metric"
        listed = ", ".join(f"`{n}`" for n in names)
        message = (f"{shown}, the {what} passed to `compile({keyword}=...)`, reads {listed}: symbolic tensors of the model being built "
                   f"(outputs of its layers), not the values of a batch. Keras 3 fails at the first fit with `{KERAS_TENSOR_ERROR}` "
                   f"(or `{CONVERSION_ERROR}` when the symbolic value reaches the result; tf.keras 2: `Inputs to eager execution "
                   f"function cannot be Keras symbolic tensors`): {ADD_LOSS_ADVICE}")
        return self.finding(ctx, node, message, self.make_fix(ADD_LOSS_ADVICE[0].upper() + ADD_LOSS_ADVICE[1:], [], Applicability.DISPLAY_ONLY))


class KerasTwoAddLoss(Rule):
    """## What it does
    Finds the Keras 2 uses of `add_loss` that Keras 3 removed: `model.add_loss(tensor)` on a
    functional or Sequential model built in the file (the Keras 2.2 VAE example's
    `vae.add_loss(vae_loss)`), explained; and `self.add_loss(loss, inputs=...)` in a layer,
    whose `inputs=` the fix removes.

    ## Why is this bad?
    Keras 2 let a functional model take a loss built from its symbolic tensors. Keras 3 does
    not: a functional model's `add_loss` raises `NotImplementedError`, and a Sequential's fails
    with "`add_loss()` can only be called from inside `build()` or `call()`". Keras 3's
    `Layer.add_loss(loss)` also has no `inputs=` parameter (Keras 2 used it to mark losses
    conditional on inputs; tf.keras 2 already ignored it): `TypeError: Layer.add_loss() got an
    unexpected keyword argument 'inputs'`.

    ## Example
    ```python
    vae = Model(x, x_decoded)
    vae.add_loss(K.mean(reconstruction_loss + kl_loss))
    vae.compile(optimizer="adam")
    ...
    self.add_loss(K.mean(kl_batch), inputs=inputs)
    ```

    ## Use instead
    ```python
    # the KL term in a layer that calls self.add_loss(...) in call(); the reconstruction
    # term as the compile() loss
    vae.compile(optimizer="adam", loss=reconstruction_loss)
    ...
    self.add_loss(ops.mean(kl_batch))
    ```

    ## Fix safety
    Removing `inputs=` is safe: every loss a layer adds counts in Keras 3, as it did in
    `fit` in Keras 2. `model.add_loss(...)` is explained only: the term has to move into a
    layer, or into the `compile()` loss. Not reported with `target-keras = "2"`.
    """

    code = "KRS416"
    name = "keras2-add-loss"
    summary = "`model.add_loss(tensor)` on a functional model, `add_loss(..., inputs=)`: removed in Keras 3"
    family = "Models and training"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras

            class Penalty(keras.layers.Layer):
                def call(self, x):
                    self.add_loss(1e-3 * keras.ops.mean(keras.ops.square(x)))
                    return x

            inputs = keras.Input((4,))
            outputs = keras.layers.Dense(1)(Penalty()(inputs))
            model = keras.Model(inputs, outputs)
            model.compile(optimizer="adam", loss="mse")
            """)),
        Invalid(
            dedent("""
                import keras

                class Penalty(keras.layers.Layer):
                    def call(self, x):
                        self.add_loss(1e-3 * keras.ops.mean(keras.ops.square(x)), inputs=x)
                        return x

                inputs = keras.Input((4,))
                outputs = keras.layers.Dense(1)(Penalty()(inputs))
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss="mse")
                """),
            fixed=dedent("""
                import keras

                class Penalty(keras.layers.Layer):
                    def call(self, x):
                        self.add_loss(1e-3 * keras.ops.mean(keras.ops.square(x)))
                        return x

                inputs = keras.Input((4,))
                outputs = keras.layers.Dense(1)(Penalty()(inputs))
                model = keras.Model(inputs, outputs)
                model.compile(optimizer="adam", loss="mse")
                """),
            message="unexpected keyword argument 'inputs'",
            keras=Raises("got an unexpected keyword argument 'inputs'"),
            fixed_check="len(model.layers[1].losses) == 1",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import ops
                x = keras.Input((8,))
                z_mean = keras.layers.Dense(2)(x)
                decoded = keras.layers.Dense(8, activation="sigmoid")(z_mean)
                vae = keras.Model(x, decoded)
                vae.add_loss(ops.mean(keras.losses.binary_crossentropy(x, decoded)) + ops.mean(ops.square(z_mean)))
                vae.compile(optimizer="adam")
                """),
            message="NotImplementedError",
            applicability=Applicability.DISPLAY_ONLY,
            keras=Raises("NotImplementedError"),
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not keras3_applies(ctx):
            return
        for call in ctx.method_calls("add_loss"):
            receiver = call.node.func.value
            inputs = call.keyword("inputs")
            if inputs is not None and self._in_keras_layer(ctx, receiver, call.scope):
                message = ("`self.add_loss(..., inputs=...)`: Keras 3's `Layer.add_loss(loss)` has no `inputs` parameter and fails with "
                           "`TypeError: Layer.add_loss() got an unexpected keyword argument 'inputs'`; every loss a layer adds counts: remove it")
                yield self.finding(ctx, call.node, message, self.make_fix("Remove `inputs=`", [remove_argument(ctx, call.node, inputs)], Applicability.SAFE))
                continue
            finding = self._model_add_loss(ctx, call, receiver)
            if finding is not None:
                yield finding

    @staticmethod
    def _in_keras_layer(ctx: Context, receiver: cst.BaseExpression, scope: Scope) -> bool:
        """`self` in a method of a class derived from a Keras layer or model."""
        if not isinstance(receiver, cst.Name) or receiver.value != "self":
            return False
        function = scope
        while function is not None and function.kind is not ScopeKind.FUNCTION:
            function = function.parent
        owner = function.parent if function is not None else None
        if owner is None or owner.kind is not ScopeKind.CLASS or not isinstance(owner.node, cst.ClassDef):
            return False
        for base in owner.node.bases:
            name = ctx.keras_name(base.value, owner.parent)
            if keras_layer_class(ctx, base.value, owner.parent) or (name is not None and name.is_("keras.Model", "keras.models.Model")):
                return True
        return False

    def _model_add_loss(self, ctx: Context, call: Call, receiver: cst.BaseExpression) -> Finding | None:
        sources = model_sources(ctx, receiver, call.scope)
        if not sources or call.has_star_args or not call.positional:
            return None
        kinds = {source.kind for source in sources}
        shown = ctx.source_of(receiver)
        if kinds == {"functional"}:
            error = "raises `NotImplementedError` (a functional model has no symbolic `add_loss`)"
        elif kinds == {"sequential"} and is_symbolic(ctx, call.positional[0].value, call.scope):
            error = "fails with `ValueError: add_loss() can only be called from inside build() or call(), on a tensor input`"
        else:
            return None
        message = (f"`{shown}.add_loss(...)` on a model built from symbolic tensors: Keras 3 {error}. {ADD_LOSS_ADVICE[0].upper()}"
                   f"{ADD_LOSS_ADVICE[1:]}, and pass the reconstruction term as the `compile()` loss")
        return self.finding(ctx, call.node, message, self.make_fix("Move the loss into a layer's call() (self.add_loss) or the compile() loss", [], Applicability.DISPLAY_ONLY))
