"""The Keras 1 `merge(..., mode=...)` function and `Merge` layer, removed in Keras 2.2."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit, Finding
from keras_lint.knowledge import legacy
from keras_lint.rewrite import reference_to, remove_alias
from keras_lint.rules.base import Invalid, Raises, Rule, Valid, dedent
from keras_lint.semantic.names import keras_name

# Keras 1 signature: merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
# output_mask=None, arguments=None, node_indices=None, tensor_indices=None, name=None).
_MERGE_POSITIONS = ("inputs", "mode", "concat_axis", "dot_axes")
_UNSUPPORTED = ("output_shape", "output_mask", "arguments", "node_indices", "tensor_indices")


class RemovedMerge(Rule):
    """## What it does
    Finds Keras 1's `merge([a, b], mode=...)` function and `Merge(mode=...)` layer and rewrites
    them to the Keras 2+ merge functions and layers: `mode='concat'` becomes
    `concatenate([a, b], axis=concat_axis)`, `'sum'` → `add`, `'mul'` → `multiply`, `'ave'` →
    `average`, `'max'` → `maximum`, `'dot'` → `dot(axes=dot_axes)`; the imports follow.

    ## Why is this bad?
    `merge` and `Merge` were deprecated in Keras 2.0 and removed in Keras 2.2: under Keras 3
    the import fails (`ImportError`, or `AttributeError: module 'keras.layers' has no attribute
    'merge'`) before the model is built. The code is common in tutorials such as the U-Net that
    keras-lint started from.

    ## Example
    ```python
    merge9 = merge([conv1, up9], mode="concat", concat_axis=3)
    ```

    ## Use instead
    ```python
    merge9 = concatenate([conv1, up9], axis=3)
    ```

    ## Fix safety
    The rewrite of `'sum'`, `'mul'`, `'concat'`, `'ave'` and `'max'` computes exactly what Keras 1
    did: safe. `'dot'` is unsafe: Keras 1 used `K.batch_dot`, which agrees with Keras 3's `Dot`
    for 2-D inputs but not in every N-D case. `'cos'`, a callable mode, Keras 1 arguments that
    no longer exist (`output_shape`, `arguments`, ...), and a `Merge` of models inside a
    `Sequential` (which needs the functional API) are explained, not rewritten.
    """

    code = "KRS201"
    name = "removed-merge"
    summary = "Keras 1 `merge(mode=...)` / `Merge(...)`, removed in Keras 2.2"
    family = "Keras 1 layers"
    fix = Applicability.SAFE
    examples = (
        Valid(dedent("""
            from keras.layers import Input, concatenate
            a = Input((4,))
            b = Input((4,))
            merged = concatenate([a, b], axis=-1)
            """)),
        Valid(dedent("""
            import pandas as pd
            from keras.layers import Dense
            df = pd.merge(pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [1]}), on="a")
            """), note="pandas' merge is not Keras", runnable=False),
        Valid(dedent("""
            from keras.layers import Dense
            def merge(tensors, mode="sum"):
                return tensors
            out = merge([1, 2], mode="concat")
            """), note="a user's own merge is not Keras"),
        Invalid(
            dedent("""
                from keras.layers import Input, merge
                a = Input((4,))
                b = Input((4,))
                merged = merge([a, b], mode='concat', concat_axis=1)
                """),
            fixed=dedent("""
                from keras.layers import Input, concatenate
                a = Input((4,))
                b = Input((4,))
                merged = concatenate([a, b], axis=1)
                """),
            message="concatenate([...], axis=1)",
            keras=Raises("merge"),
            fixed_check="tuple(merged.shape) == (None, 8)",
        ),
        Invalid(
            dedent("""
                from keras.models import *
                from keras.layers import *
                a = Input((4,))
                b = Input((4,))
                total = merge([a, b], mode='sum')
                product = merge([a, b], mode='mul', name='product')
                """),
            fixed=dedent("""
                from keras.models import *
                from keras.layers import *
                a = Input((4,))
                b = Input((4,))
                total = add([a, b])
                product = multiply([a, b], name='product')
                """),
            count=2,
            keras=Raises("merge"),
            fixed_check="tuple(total.shape) == (None, 4) and product._keras_history.operation.name == 'product'",
        ),
        Invalid(
            dedent("""
                from keras.layers import Input, merge, concatenate
                a = Input((4,))
                b = Input((4,))
                c = concatenate([a, b])
                d = merge([a, b], mode='concat')
                e = merge([a, b], mode='ave')
                """),
            fixed=dedent("""
                from keras.layers import Input, concatenate, average
                a = Input((4,))
                b = Input((4,))
                c = concatenate([a, b])
                d = concatenate([a, b])
                e = average([a, b])
                """),
            count=2,
            keras=Raises("merge"),
        ),
        Invalid(
            dedent("""
                import keras
                a = keras.Input((4,))
                b = keras.Input((4,))
                scores = keras.layers.merge([a, b], mode='dot', dot_axes=1)
                """),
            fixed=dedent("""
                import keras
                a = keras.Input((4,))
                b = keras.Input((4,))
                scores = keras.layers.dot([a, b], axes=1)
                """),
            applicability=Applicability.UNSAFE,
            keras=Raises("merge"),
            fixed_check="tuple(scores.shape) == (None, 1)",
        ),
        Invalid(
            dedent("""
                from keras.layers import Input, Merge
                a = Input((4,))
                b = Input((4,))
                merged = Merge(mode='concat', concat_axis=-1)([a, b])
                """),
            fixed=dedent("""
                from keras.layers import Input, Concatenate
                a = Input((4,))
                b = Input((4,))
                merged = Concatenate(axis=-1)([a, b])
                """),
            keras=Raises("Merge"),
            fixed_check="tuple(merged.shape) == (None, 8)",
        ),
        Invalid(
            dedent("""
                from keras.models import Sequential
                from keras.layers import Dense, Merge
                left = Sequential([Dense(4, input_dim=3)])
                right = Sequential([Dense(4, input_dim=3)])
                model = Sequential()
                model.add(Merge([left, right], mode='concat'))
                """),
            fixed=None,
            message="functional API",
            runnable=False,
        ),
        Invalid(
            dedent("""
                from keras.layers import Input, merge
                a = Input((4,))
                b = Input((4,))
                similarity = merge([a, b], mode='cos', dot_axes=1)
                """),
            fixed=None,
            message="normalize=True",
            runnable=False,
        ),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        callee_nodes = {id(call.node.func) for call in ctx.calls}
        for call in ctx.calls_to("keras.layers.merge", "keras.layers.Merge"):
            is_layer = call.name.name == "Merge"
            yield self._check_call(ctx, call, is_layer, used_as_layer=id(call.node) in callee_nodes)
        yield from self._unused_imports(ctx)

    def _unused_imports(self, ctx: Context) -> Iterator[Finding]:
        """`from keras.layers import merge` fails in Keras 3 even when `merge` is not used; once
        the calls are rewritten, this removes the import that is left."""
        for statement, scope in ctx.semantic.imports:
            if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                continue
            for alias in statement.names:
                bound = alias.asname.name.value if alias.asname is not None else getattr(alias.name, "value", None)
                if bound is None:
                    continue
                bindings = scope.bindings.get(bound, [])
                binding = next((b for b in bindings if b.node is statement), None)
                if binding is None or not binding.path:
                    continue
                name = keras_name(binding.path)
                if name is None or not name.is_("keras.layers.merge", "keras.layers.Merge"):
                    continue
                if ctx.semantic.reads_of(binding):
                    continue
                message = f"`{bound}` is imported but not used, and Keras 3 has no `{name.name}`: the import itself fails"
                fix = self.make_fix(f"Remove the import of `{bound}`", [remove_alias(ctx, statement, alias)], Applicability.SAFE)
                yield self.finding(ctx, alias, message, fix)

    def _check_call(self, ctx: Context, call: Call, is_layer: bool, used_as_layer: bool) -> Finding:
        written = "Merge(...)" if is_layer else "merge(...)"
        removed = f"`{written}` was removed in Keras 2.2; Keras 3 has no `{call.name.name}` (the import fails)"
        mode_arg = call.argument("mode", None if is_layer else 1)
        mode = "sum" if mode_arg is None else ctx.constants.value(mode_arg.value, call.scope, default=...)
        if not isinstance(mode, str):
            detail = "its mode is a callable or is computed, so write the merge as a Lambda layer: `Lambda(f, output_shape=...)`"
            return self.finding(ctx, call.node, f"{removed}; {detail}", self.make_fix(detail, [], Applicability.DISPLAY_ONLY))
        entry = legacy.merge_modes().get(mode)
        if entry is None:
            detail = f"mode {mode!r} was not a valid Keras 1 merge mode"
            return self.finding(ctx, call.node, f"{removed}; {detail}")
        if is_layer and (call.argument("layers", 0) is not None or not used_as_layer):
            detail = (
                "a `Merge` of models inside a `Sequential` needs the functional API: build each branch "
                f"on its own `Input`, join their outputs with `{entry['function']}([...])`, and wrap "
                "the result in `keras.Model(inputs=[...], outputs=...)`"
            )
            return self.finding(ctx, call.node, f"{removed}; {detail}", self.make_fix(detail, [], Applicability.DISPLAY_ONLY))
        new_name = entry["layer"] if is_layer else entry["function"]
        applicability = Applicability(entry["fix"])
        unsupported = [name for name in _UNSUPPORTED if call.keyword(name) is not None]
        positional = call.positional
        too_many_positionals = len(positional) > (0 if is_layer else 2)
        if applicability is Applicability.DISPLAY_ONLY or unsupported or too_many_positionals or call.has_star_args:
            detail = entry.get("note") or ""
            if unsupported:
                detail = f"Keras 3's `{new_name}` has no {', '.join(f'`{u}`' for u in unsupported)} argument; rewrite it by hand"
            elif too_many_positionals or call.has_star_args:
                detail = "rewrite it by hand: its arguments are passed positionally"
            suggestion = f"`{new_name}(...)`" if not entry.get("note") else "`Dot(axes=..., normalize=True)`"
            message = f"{removed}; use {suggestion}: {detail}" if detail else f"{removed}; use {suggestion}"
            return self.finding(ctx, call.node, message, self.make_fix(detail or f"Use {new_name}", [], Applicability.DISPLAY_ONLY))

        edits: list[Edit] = []
        axis_keyword = entry.get("axis_keyword")
        axis_from = entry.get("axis_from")
        new_arguments_text = ""
        for name in ("concat_axis", "dot_axes"):
            arg = call.keyword(name)
            if arg is None:
                continue
            if name == axis_from:
                edits.append(ctx.replace(arg.keyword, axis_keyword))
                new_arguments_text = f"{axis_keyword}={ctx.source_of(arg.value)}"
            else:
                edits.append(ctx.remove_argument(call.node, arg))
        if axis_from is not None and call.keyword(axis_from) is None and axis_keyword == "axes":
            # Keras 3's dot() needs `axes`; Keras 1 defaulted dot_axes to -1.
            anchor = call.positional_arg(0)
            if anchor is None:
                return self.finding(ctx, call.node, f"{removed}; use `{new_name}(...)`")
            edits.append(ctx.insert_after(anchor, f", axes={entry['axis_default']}"))
            new_arguments_text = f"axes={entry['axis_default']}"
        if mode_arg is not None:
            edits.append(ctx.remove_argument(call.node, mode_arg))
        target = f"keras.layers.{new_name}"
        reference = reference_to(ctx, call.node.func, call.scope, target)
        if reference is None:
            detail = f"use `{new_name}` (keras-lint could not rewrite the import safely here)"
            return self.finding(ctx, call.node, f"{removed}; {detail}", self.make_fix(detail, [], Applicability.DISPLAY_ONLY))
        edits.append(ctx.replace(call.node.func, reference.text))
        edits.extend(reference.edits)
        shown_arguments = f"[...], {new_arguments_text}" if new_arguments_text else "[...]"
        shown = f"{new_name}({new_arguments_text})([...])" if is_layer else f"{new_name}({shown_arguments})"
        fix = self.make_fix(f"Rewrite as `{shown}`", _disjoint(edits), applicability)
        return self.finding(ctx, call.node, f"{removed}; use `{shown}`", fix)


def _disjoint(edits: list[Edit]) -> list[Edit]:
    """The edits of one fix, sorted; they may touch but never overlap."""
    ordered = sorted(edits)
    for previous, edit in zip(ordered, ordered[1:]):
        if edit.start < previous.end:
            raise ValueError("overlapping edits inside one fix")
    return ordered
