"""The Keras 2 backend (`import keras.backend as K`): functions Keras 3 moved to keras.ops and
friends, the crossentropy argument order, the functions that are gone, and the Keras 1
`image_dim_ordering`. The per-file work is shared through `_backend_plan.plan_for`."""

from __future__ import annotations

from collections.abc import Iterator

from keras_lint.context import Context
from keras_lint.diagnostics import Applicability, Finding
from keras_lint.rules._backend_plan import DIM_ORDERING, GONE, MOVED, ORDER, plan_for
from keras_lint.rules._targets import keras3_applies
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent


class _BackendRule(Rule):
    family = "Backend"

    def check(self, ctx: Context) -> Iterator[Finding]:
        if "backend" not in ctx.text:
            return
        if self.min_target == "3" and not keras3_applies(ctx):
            return
        plan = plan_for(ctx)
        for site in plan.sites:
            if site.code != self.code:
                continue
            if site.edits:
                fix = self.make_fix(site.fix_message, plan.fix_edits(site), site.applicability)
            else:
                fix = self.make_fix(site.fix_message, [], Applicability.DISPLAY_ONLY)
            yield self.finding(ctx, site.node, site.message, fix)


class BackendFunctionMoved(_BackendRule):
    """## What it does
    Finds calls of the Keras 2 backend functions that Keras 3's `keras.backend` no longer has
    (`K.mean`, `K.square`, `K.argmax`, `K.concatenate`, `K.gather`, `K.random_normal`,
    `K.int_shape`, ... 123 of them) and rewrites them to `keras.ops`, `keras.random`,
    `keras.losses` or `keras.activations`, with the arguments mapped onto the new signature:

    - defaults that changed are passed explicitly: `K.argmax(x)` → `ops.argmax(x, axis=-1)`
      (ops flattens by default), `K.concatenate(xs)` → `ops.concatenate(xs, axis=-1)` (ops
      joins on axis 0), `K.cumsum(x)` → `axis=0`, `K.expand_dims(x)` → `axis=-1` (required),
      `K.arange` → `dtype='int32'`;
    - renamed functions and parameters: `gather` → `take(..., axis=0)`, `pow` → `power`,
      `permute_dimensions` → `transpose`, `reverse(x, axes)` → `flip(x, axis=)`,
      `repeat_elements` → `repeat`, `l2_normalize` → `normalize`, `clip(x, min_value,
      max_value)` → `clip(x, x_min, x_max)`, `reshape(x, shape)` → `reshape(x, newshape)`,
      `relu(x, alpha=)` → `keras.activations.relu(x, negative_slope=)`;
    - reordered arguments: `K.in_top_k(predictions, targets, k)` → `ops.in_top_k(targets,
      predictions, k)`, `K.batch_normalization(x, mean, var, beta, gamma)` →
      `ops.batch_normalization(x, mean, var, axis=-1, offset=beta, scale=gamma)`;
    - expressions: `K.int_shape(x)` → `tuple(x.shape)`, `K.hard_sigmoid(x)` → Keras 2's
      `ops.clip(0.2 * x + 0.5, 0.0, 1.0)`, `K.repeat(x, n)` → `ops.repeat(ops.expand_dims(x,
      1), n, axis=1)`, `K.get_value(x)` → `ops.convert_to_numpy(x)`, `K.set_value(v, x)` →
      `v.assign(x)`.

    `from keras import ops` is added (or `keras.ops` is used when `keras` is imported), and
    `import keras.backend as K` is removed once nothing uses it; it stays when `K.epsilon()`,
    `K.image_data_format()` or another of the 14 functions Keras 3 kept is still used.

    The mapping is data: the Keras 2 signatures and the Keras 3 ones come from
    `knowledge/keras3.json` (generated from the installed Keras, whose `tf.keras.backend` shim
    still has the Keras 2 functions), and what cannot be introspected (which replacement, what
    differs in meaning) from `knowledge/legacy_backend.toml`.

    ## Why is this bad?
    `import keras.backend as K` still works in Keras 3, but `K.mean` then fails with
    `AttributeError: module 'keras.backend' has no attribute 'mean'`, often only at the first
    `fit`, because Keras 3 does not run a `Lambda`'s function while it builds the model. Under
    `tf.keras` the functions survive in a deprecated shim that works only with the TensorFlow
    backend and fails on symbolic Keras tensors. A plain rename is not enough: several
    `keras.ops` functions have numpy defaults (`ops.argmax` flattens, `ops.concatenate` joins
    on axis 0) and compute something else silently.

    ## Example
    ```python
    import keras.backend as K
    classes = K.argmax(probabilities)
    ```

    ## Use instead
    ```python
    from keras import ops
    classes = ops.argmax(probabilities, axis=-1)
    ```

    ## Fix safety
    A rewrite that computes what Keras 2 computed is safe. It is unsafe where the functions
    differ at the edges, and the message says how: `K.sqrt` clamped negative inputs to 0,
    `K.switch` expanded the condition's rank, `K.l2_normalize` used another epsilon,
    `K.batch_normalization` broadcast its statistics as given, a fixed integer `seed=` means
    a new draw per call in Keras 2 but the same draw every call in `keras.random`, and
    `K.shape(x)` returns a tensor where `ops.shape(x)` returns a tuple (safe when it is indexed
    at once, `K.shape(x)[0]`). Functions with no one-call equivalent (`batch_dot`,
    `conv2d_transpose`, `ctc_decode`, `rnn`, `gradients`, `pool2d`, ...) are explained, not
    rewritten. A call that passes `*args`, `**kwargs` or an argument the replacement has no
    place for is explained too. With `target-keras = "2"` this rule is off: tf.keras 2.x has
    all of these functions.
    """

    code = MOVED
    name = "backend-function-moved"
    summary = "A `K.*` backend function that Keras 3's `keras.backend` no longer has (use `keras.ops` & co.)"
    fix = Applicability.SAFE
    min_target = "3"
    examples = (
        Valid(dedent("""
            import keras
            from keras import ops
            x = ops.mean(ops.ones((2, 3)), axis=-1)
            """)),
        Valid(dedent("""
            import keras.backend as K
            scale = K.epsilon() * 2
            fmt = K.image_data_format()
            """), note="the 14 functions Keras 3's keras.backend kept"),
        Valid(dedent("""
            import tensorflow as tf
            from tensorflow.keras import backend as K
            y = K.mean(tf.ones((2, 3)))
            """), settings={"target-keras": "2"}, note="tf.keras 2.x has K.mean"),
        Valid(dedent("""
            import keras
            class K:
                @staticmethod
                def mean(x):
                    return sum(x) / len(x)
            m = K.mean([1.0, 2.0])
            """), note="a user's own K is not Keras"),
        Invalid(
            dedent("""
                import keras
                import keras.backend as K
                x = keras.ops.ones((2, 3))
                m = K.mean(K.square(x), axis=-1)
                """),
            fixed=dedent("""
                import keras
                x = keras.ops.ones((2, 3))
                m = keras.ops.mean(keras.ops.square(x), axis=-1)
                """),
            count=2,
            message="has no attribute",
            keras=Raises("module 'keras.backend' has no attribute"),
            fixed_check="tuple(m.shape) == (2,)",
        ),
        Invalid(
            dedent("""
                from keras import backend as K
                import numpy as np
                p = np.array([[0.1, 0.9], [0.8, 0.2]], dtype="float32")
                classes = K.argmax(p)
                joined = K.concatenate([p, p])
                rows = K.gather(p, [1])
                """),
            fixed=dedent("""
                import numpy as np
                from keras import ops
                p = np.array([[0.1, 0.9], [0.8, 0.2]], dtype="float32")
                classes = ops.argmax(p, axis=-1)
                joined = ops.concatenate([p, p], axis=-1)
                rows = ops.take(p, [1], axis=0)
                """),
            count=3,
            keras=Raises("module 'keras.backend' has no attribute 'argmax'"),
            fixed_check="list(ops.convert_to_numpy(classes)) == [1, 0] and tuple(joined.shape) == (2, 4) and tuple(rows.shape) == (1, 2)",
        ),
        Invalid(
            dedent("""
                import numpy as np
                from tensorflow.keras import backend as K
                predictions = np.array([[0.1, 0.9], [0.8, 0.2]], dtype="float32")
                hits = K.in_top_k(predictions, np.array([1, 1]), 1)
                """),
            fixed=dedent("""
                import numpy as np
                from keras import ops
                predictions = np.array([[0.1, 0.9], [0.8, 0.2]], dtype="float32")
                hits = ops.in_top_k(np.array([1, 1]), predictions, 1)
                """),
            message="deprecated tf.keras shim",
            fixed_check="[bool(v) for v in ops.convert_to_numpy(hits)] == [True, False]",
            note="tf.keras: the shim still runs it; ops.in_top_k takes (targets, predictions)",
        ),
        Invalid(
            dedent("""
                import keras
                from keras import backend as K
                inputs = keras.Input((4, 3))
                n = K.int_shape(inputs)[-1]
                """),
            fixed=dedent("""
                import keras
                inputs = keras.Input((4, 3))
                n = tuple(inputs.shape)[-1]
                """),
            keras=Raises("has no attribute 'int_shape'"),
            fixed_check="n == 3",
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras.backend as K
                x = K.mean(np.ones((2, 2))) * K.epsilon()
                """),
            fixed=dedent("""
                import numpy as np
                import keras.backend as K
                from keras import ops
                x = ops.mean(np.ones((2, 2))) * K.epsilon()
                """),
            keras=Raises("has no attribute 'mean'"),
            note="K stays: K.epsilon() is still in keras.backend",
        ),
        Invalid(
            dedent("""
                import numpy as np
                from keras.backend import mean, epsilon
                m = mean(np.ones((2, 2))) + epsilon()
                """),
            fixed=dedent("""
                import numpy as np
                from keras.backend import epsilon
                from keras import ops
                m = ops.mean(np.ones((2, 2))) + epsilon()
                """),
            keras=Raises("cannot import name 'mean'"),
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras.backend as K
                r = K.sqrt(np.array([4.0, 9.0]))
                """),
            fixed=dedent("""
                import numpy as np
                from keras import ops
                r = ops.sqrt(np.array([4.0, 9.0]))
                """),
            applicability=Applicability.UNSAFE,
            message="clamped negative inputs",
            keras=Raises("has no attribute 'sqrt'"),
            fixed_check="list(ops.convert_to_numpy(r)) == [2.0, 3.0]",
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras.backend as K
                a = np.ones((2, 3, 4), dtype="float32")
                b = np.ones((2, 4, 5), dtype="float32")
                c = K.batch_dot(a, b, axes=(2, 1))
                """),
            fixed=None,
            message="einsum",
            keras=Raises("has no attribute 'batch_dot'"),
        ),
    )


class BackendCrossentropyOrder(_BackendRule):
    """## What it does
    Finds `K.binary_crossentropy(a, b)`, `K.categorical_crossentropy(a, b)` and
    `K.sparse_categorical_crossentropy(a, b)` called with target and output *by position*,
    and rewrites them with keywords, `keras.ops.categorical_crossentropy(target=...,
    output=...)`, saying which order it read and why: a name that says prediction (`y_pred`,
    `logits`, `x_decoded_mean`, ...) or labels (`y_true`, `target`, ...), or the parameters of
    the loss function the call is in (a function passed to `compile()` receives `(y_true,
    y_pred)`). When nothing tells, it assumes the current order `(target, output)` and says so.

    ## Why is this bad?
    The backend crossentropies took `(output, target)` up to Keras 2.0.6 and `(target, output)`
    from Keras 2.0.7 on (commit 788c56b9). Code written for the old order still runs and
    computes a different number without any error: for `y_true=[0, 1, 0]`,
    `y_pred=[.1, .8, .1]` the right loss is 0.223 and the swapped one 3.224. Keyword arguments
    mean the same in every version (tf.keras, the tf.keras shim and `keras.ops` all name them
    `target` and `output`).

    ## Example
    ```python
    def smoothed_loss(y_true, y_pred):
        return K.categorical_crossentropy(y_pred, y_true)  # written for Keras <= 2.0.6
    ```

    ## Use instead
    ```python
    def smoothed_loss(y_true, y_pred):
        return keras.ops.categorical_crossentropy(target=y_true, output=y_pred)
    ```

    ## Fix safety
    Always unsafe: keras-lint cannot know which Keras the author ran, only guess from names.
    Check the order it chose. With `target-keras = "2"` the call keeps `K.` and is reported
    only when the code says the old order was meant (tf.keras 2.x reads `(target, output)`,
    so a call in that order is valid there); keyword calls are left to KRS510.
    """

    code = ORDER
    name = "backend-crossentropy-argument-order"
    summary = "`K.*_crossentropy(a, b)` by position: the argument order flipped in Keras 2.0.7"
    fix = Applicability.UNSAFE
    examples = (
        Valid(dedent("""
            import numpy as np
            from keras import ops
            loss = ops.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.2, 0.8]]))
            """)),
        Valid(dedent("""
            import numpy as np
            from tensorflow.keras import backend as K
            y_true = np.array([[0.0, 1.0, 0.0]])
            y_pred = np.array([[0.1, 0.8, 0.1]])
            loss = K.categorical_crossentropy(y_true, y_pred)
            """), settings={"target-keras": "2"}, note="the tf.keras 2 order"),
        Invalid(
            dedent("""
                import numpy as np
                import keras.backend as K
                y_true = np.array([[0.0, 1.0, 0.0]], dtype="float32")
                y_pred = np.array([[0.1, 0.8, 0.1]], dtype="float32")
                loss = K.categorical_crossentropy(y_pred, y_true)
                """),
            fixed=dedent("""
                import numpy as np
                from keras import ops
                y_true = np.array([[0.0, 1.0, 0.0]], dtype="float32")
                y_pred = np.array([[0.1, 0.8, 0.1]], dtype="float32")
                loss = ops.categorical_crossentropy(target=y_true, output=y_pred)
                """),
            message="Keras <= 2.0.6",
            applicability=Applicability.UNSAFE,
            keras=Raises("has no attribute 'categorical_crossentropy'"),
            fixed_check="abs(float(loss[0]) - 0.2231) < 1e-3",
        ),
        Invalid(
            dedent("""
                from tensorflow.keras import backend as K
                def smoothed_loss(y_true, y_pred):
                    return K.categorical_crossentropy(y_pred, y_true)
                """),
            fixed=dedent("""
                from tensorflow.keras import backend as K
                def smoothed_loss(y_true, y_pred):
                    return K.categorical_crossentropy(target=y_true, output=y_pred)
                """),
            settings={"target-keras": "2"},
            message="(output, target), the Keras <= 2.0.6 order",
            note="target-keras 2: the old order is still a bug there; K stays",
        ),
        Invalid(
            dedent("""
                import numpy as np
                import keras.backend as K
                a = np.array([[1.0]], dtype="float32")
                b = np.array([[0.9]], dtype="float32")
                loss = K.binary_crossentropy(a, b)
                """),
            fixed=dedent("""
                import numpy as np
                from keras import ops
                a = np.array([[1.0]], dtype="float32")
                b = np.array([[0.9]], dtype="float32")
                loss = ops.binary_crossentropy(target=a, output=b)
                """),
            message="nothing in the code says which order was meant",
            keras=Raises("has no attribute 'binary_crossentropy'"),
            fixed_check="abs(float(loss[0][0]) - 0.1054) < 1e-3",
        ),
    )


class BackendFunctionRemoved(_BackendRule):
    """## What it does
    Finds calls of the 16 backend functions that no Keras 3 namespace has, not even the
    `tf.keras.backend` shim: `set_session`, `get_session`, `learning_phase`,
    `set_learning_phase`, `learning_phase_scope`, `in_train_phase`, `in_test_phase`,
    `placeholder`, `function`, `print_tensor`, `manual_variable_initialization`,
    `normalize_batch_in_training`, `local_conv1d`, `local_conv2d`, `random_binomial`,
    `reset_uids`, and says what replaces each.

    ## Why is this bad?
    They belonged to TensorFlow 1's graph-and-session world; Keras 3 raises `AttributeError`.
    The replacement is a different way of writing the code (pass `training=` to the layers,
    use `keras.Input`, configure devices with `tf.config`), not a different function.

    ## Example
    ```python
    K.set_learning_phase(0)
    predictions = model.predict(x)
    ```

    ## Use instead
    ```python
    predictions = model(x, training=False)
    ```

    ## Fix safety
    No automatic fix: the message explains the rewrite. With `target-keras = "2"`, only
    `tf.keras.backend.get_session/set_session` are reported (tf.keras 2.x kept them under
    `tf.compat.v1.keras.backend` only); the others existed in tf.keras 2.x.
    """

    code = GONE
    name = "backend-function-removed"
    summary = "A `K.*` function that no Keras 3 namespace has (`set_session`, `learning_phase`, `placeholder`, ...)"
    fix = None
    examples = (
        Valid(dedent("""
            import keras
            inputs = keras.Input(shape=(3,))
            """)),
        Valid(dedent("""
            import tensorflow as tf
            phase = tf.keras.backend.learning_phase()
            """), settings={"target-keras": "2"}, runnable=False, note="tf.keras 2.x still had it"),
        Invalid(
            dedent("""
                from keras import backend as K
                K.set_learning_phase(0)
                """),
            message="training=False",
            keras=Raises("has no attribute 'set_learning_phase'"),
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                tf.compat.v1.keras.backend.set_session(tf.compat.v1.Session())
                """),
            message="tf.config",
            keras=Raises("has no attribute 'set_session'"),
        ),
        Invalid(
            dedent("""
                import tensorflow as tf
                tf.keras.backend.set_session(tf.compat.v1.Session())
                """),
            settings={"target-keras": "2"},
            message="TensorFlow 2's tf.keras",
            keras=Raises("has no attribute 'set_session'"),
        ),
    )


class ImageDimOrdering(_BackendRule):
    """## What it does
    Finds Keras 1's `K.image_dim_ordering()` and `K.set_image_dim_ordering(...)` and rewrites
    them to `K.image_data_format()` / `K.set_image_data_format(...)`, mapping the values:
    `'tf'` → `'channels_last'`, `'th'` → `'channels_first'`, both in the call and in a
    comparison with the result (`K.image_dim_ordering() == 'th'`).

    ## Why is this bad?
    Keras 2 renamed them and changed their values; tf.keras 2 and Keras 3 have only the new
    names (`AttributeError`). Renaming the function without mapping the values would make the
    comparison always false, silently picking the wrong branch.

    ## Example
    ```python
    if K.image_dim_ordering() == 'th':
        input_shape = (1, img_rows, img_cols)
    ```

    ## Use instead
    ```python
    if K.image_data_format() == 'channels_first':
        input_shape = (1, img_rows, img_cols)
    ```

    ## Fix safety
    Safe: `image_data_format` and `set_image_data_format` are among the functions Keras 3's
    `keras.backend` kept, and the values are mapped exactly. When the result is used other
    than in an `==`/`!=` comparison with a literal, or the value passed is not a literal, the
    finding explains the mapping instead.
    """

    code = DIM_ORDERING
    name = "image-dim-ordering"
    summary = "Keras 1 `image_dim_ordering()` ('tf'/'th'), renamed `image_data_format()` ('channels_last'/'channels_first')"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras import backend as K
            channels_first = K.image_data_format() == 'channels_first'
            """)),
        Invalid(
            dedent("""
                from keras import backend as K
                K.set_image_dim_ordering('tf')
                if K.image_dim_ordering() == 'th':
                    input_shape = (1, 28, 28)
                else:
                    input_shape = (28, 28, 1)
                """),
            fixed=dedent("""
                from keras import backend as K
                K.set_image_data_format('channels_last')
                if K.image_data_format() == 'channels_first':
                    input_shape = (1, 28, 28)
                else:
                    input_shape = (28, 28, 1)
                """),
            count=2,
            message="'th' -> 'channels_first'",
            keras=Raises("has no attribute 'set_image_dim_ordering'"),
            fixed_check="input_shape == (28, 28, 1) and K.image_data_format() == 'channels_last'",
        ),
        Invalid(
            dedent("""
                from keras import backend as K
                ordering = K.image_dim_ordering()
                """),
            fixed=None,
            message="compare `image_data_format()`",
            keras=Raises("has no attribute 'image_dim_ordering'"),
        ),
    )
