"""Keras 1 kernel arguments of convolutions (catalog 1.3): `Convolution2D(f, r, c)`,
`Conv2D(f, r, nb_col=c)`, `nb_row=`/`nb_col=`, `Convolution3D(f, a, b, c)`, `kernel_dim1..3`,
and Deconvolution2D's positional `output_shape`. Shared by KRS203 (classes Keras 3 still has)
and KRS206 (removed classes, rewritten in the same fix so that a class rename never leaves a
silent `strides` behind).

Keras 2's converters (`conv2d_args_preprocessor`) turned these into `kernel_size=(r, c)`;
Keras 3 and every tf.keras have no converter, so `Conv2D(f, r, c)` means kernel r, strides c.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import libcst as cst

from keras_lint.context import Call, Context
from keras_lint.diagnostics import Applicability, Edit
from keras_lint.rules._layer_support import (
    file_is_keras1,
    is_keras1_call,
    known_int,
    provably_not_int,
    proven_int,
    remove_argument,
    remove_arguments,
)

DIM_KEYWORDS = {"2d": ("nb_row", "nb_col"), "transpose2d": ("nb_row", "nb_col"), "3d": ("kernel_dim1", "kernel_dim2", "kernel_dim3")}
# Keyword arguments with which Keras 2 refused the positional kernel form (so the code was
# written for the Keras 2+ reading: kernel, strides).
_KERAS2_ONLY = ("padding", "strides", "data_format")


@dataclass
class KernelForm:
    parts: list[cst.BaseExpression]  # the kernel dimensions as written
    texts: list[str]  # their source
    values: list[int | None]  # their values when known
    kernel_text: str  # "(3, 3)"
    keras3_reading: str  # what Keras 3 does with the call, in words
    silent: bool  # Keras 3 builds the layer without complaint
    complete: bool  # all dimensions are there (else: explained only)
    edits: list[Edit] = field(default_factory=list)
    applicability: Applicability = Applicability.SAFE
    notes: list[str] = field(default_factory=list)


def kernel_form(ctx: Context, call: Call, kind: str) -> KernelForm | None:
    """The Keras 1 kernel form of a convolution call, or None when the call has none (or when
    it is not provably Keras 1 code)."""
    if call.has_star_args:
        return None
    names = DIM_KEYWORDS[kind]
    n = len(names)
    positional = call.positional
    keyword_parts = {name: call.keyword(name) for name in names if call.keyword(name) is not None}
    if not keyword_parts and len(positional) <= 2:
        return _transpose_output_shape_only(ctx, call, kind)
    positional_parts = list(positional[1 : 1 + n])
    parts_args: list[cst.Arg | None] = []
    for index in range(n):
        if index < len(positional_parts):
            parts_args.append(positional_parts[index])
        else:
            parts_args.append(keyword_parts.get(names[index]))
    if any(arg is not None and index < len(positional_parts) and names[index] in keyword_parts for index, arg in enumerate(parts_args)):
        return None  # both a positional and a keyword for one dimension: Keras 1 itself failed
    complete = all(arg is not None for arg in parts_args)
    present = [arg for arg in parts_args if arg is not None]
    texts = [ctx.outer_source(arg.value) for arg in present]
    values = [known_int(ctx, arg.value, call.scope) for arg in present]
    in_call = is_keras1_call(call)
    loud = bool(keyword_parts)

    if not keyword_parts:
        # Only positional arguments: Keras 3 reads them as (filters, kernel_size, strides, padding).
        if any(call.keyword(k) is not None for k in _KERAS2_ONLY):
            return None
        extra = present[1:]
        if any(provably_not_int(ctx, arg.value, call.scope) for arg in extra):
            return None  # Conv2D(f, 3, (2, 2)): a tuple is strides, Keras 2 read it so too
        if kind == "3d" and len(positional) >= 4 and proven_int(ctx, positional[3].value, call.scope) is not None:
            loud = True  # Conv3D(f, a, b, c): Keras 3 passes the int c as `padding` and fails
        if not loud and not in_call and not file_is_keras1(ctx):
            return None
        if kind == "3d" and not complete and not in_call:
            return None

    form = KernelForm(
        parts=[arg.value for arg in present],
        texts=texts,
        values=values,
        kernel_text="(" + ", ".join(texts) + ")",
        keras3_reading="",
        silent=not loud,
        complete=complete,
    )
    form.keras3_reading = _keras3_reading(ctx, call, kind, form, positional, keyword_parts)
    if not complete:
        return form

    # Fix: write the dimensions as one kernel_size tuple.
    edits: list[Edit] = []
    count_positional = len(positional_parts)
    if count_positional >= 1:
        start = ctx.outer_span(positional_parts[0].value)[0]
        end = ctx.outer_span(positional_parts[-1].value)[1]
        edits.append(Edit(start, end, form.kernel_text))
    else:
        first = keyword_parts[names[0]]
        edits.append(Edit(ctx.span(first)[0], ctx.span(first)[1], f"kernel_size={form.kernel_text}"))
    doomed = [keyword_parts[name] for name in names[max(count_positional, 1):] if name in keyword_parts]
    applicability = Applicability.SAFE
    if any(proven_int(ctx, part, call.scope) is None for part in form.parts):
        applicability = Applicability.UNSAFE
        form.notes.append("the kernel sizes are not provably ints here (a tuple would have been strides for Keras 2 too)")
    if not loud and not in_call:
        applicability = Applicability.UNSAFE
        form.notes.append("only other calls in this file show that it is Keras 1 code")
    extra_positional = positional[1 + n :]
    if kind == "transpose2d" and extra_positional:
        output_shape = extra_positional[0]
        edits.append(Edit(ctx.outer_span(positional_parts[-1].value)[1], ctx.outer_span(output_shape.value)[1], ""))
        applicability = Applicability.UNSAFE
        form.notes.append(f"the Keras 1 `output_shape` {ctx.outer_source(output_shape.value)} is dropped: Conv2DTranspose computes its output size itself (pass `output_padding` if it differs)")
        extra_positional = extra_positional[1:]
    if kind == "transpose2d":
        keyword_shape = call.keyword("output_shape")
        if keyword_shape is not None:
            doomed.append(keyword_shape)
            applicability = Applicability.UNSAFE
            form.notes.append(f"`output_shape={ctx.outer_source(keyword_shape.value)}` is dropped: Conv2DTranspose computes its output size itself (pass `output_padding` if it differs)")
    if extra_positional:
        form.notes.append("Keras 1 arguments after the kernel size are passed by position (init, activation, ...): name them by hand")
        return form
    edits.extend(remove_arguments(ctx, call.node, doomed))
    form.edits = edits
    form.applicability = applicability
    return form


def _transpose_output_shape_only(ctx: Context, call: Call, kind: str) -> KernelForm | None:
    """Conv2DTranspose(f, (r, c), output_shape=...): only the Keras 1 output_shape to drop."""
    if kind != "transpose2d":
        return None
    keyword_shape = call.keyword("output_shape")
    if keyword_shape is None:
        return None
    form = KernelForm(parts=[], texts=[], values=[], kernel_text="", keras3_reading="", silent=False, complete=True)
    form.edits = [remove_argument(ctx, call.node, keyword_shape)]
    form.applicability = Applicability.UNSAFE
    form.notes.append(f"`output_shape={ctx.outer_source(keyword_shape.value)}` is dropped: Conv2DTranspose computes its output size itself (pass `output_padding` if it differs)")
    return form


def _keras3_reading(ctx: Context, call: Call, kind: str, form: KernelForm, positional, keyword_parts) -> str:
    names = DIM_KEYWORDS[kind]
    if keyword_parts:
        listed = ", ".join(f"`{k}`" for k in names if k in keyword_parts)
        return f"Keras 3 has no {listed} argument"
    first, *rest = form.texts
    if kind == "3d" and len(positional) >= 4:
        return (f"Keras 3 reads the arguments as kernel_size={first}, strides={form.texts[1]}, padding={form.texts[2]} "
                "and fails with `AttributeError: 'int' object has no attribute 'lower'`")
    if kind == "3d":
        return (f"Keras 3 reads `{form.texts[1]}` as `strides`: it builds a {first}x{first}x{first} kernel moving "
                f"{form.texts[1]} steps at a time, while a Keras 1 Convolution3D needs three kernel sizes")
    stride_text = rest[0]
    kernel_value, stride_value = form.values[0], form.values[1]
    if kernel_value is not None and stride_value is not None:
        reading = (f"Keras 3 reads its third argument, `{stride_text}`, as `strides`: it builds a {kernel_value}x{kernel_value} kernel "
                   f"with strides {stride_value}x{stride_value}")
    else:
        reading = f"Keras 3 reads `{first}` as the kernel size and its third argument, `{stride_text}`, as `strides`"
    size = _size_example(ctx, call, form)
    if size:
        reading += f", {size}"
    elif stride_value not in (None, 1):
        keras1_stride = _keras1_stride(ctx, call)
        meant = "a stride of 1" if keras1_stride == (1, 1) else f"strides {keras1_stride[0]}x{keras1_stride[1]}" if keras1_stride else "other strides"
        reading += f": its output is about {stride_value} times smaller in each spatial dimension (Keras 1 meant {meant})"
    if len(positional) >= 4 and kind != "transpose2d":
        reading += f", and `{ctx.outer_source(positional[3].value)}` as `padding`"
    return reading


def _size_example(ctx: Context, call: Call, form: KernelForm) -> str:
    """`a 28x28 input becomes 9x9 instead of 26x26`, when the input shape is written in the
    call (or on a TimeDistributed wrapper around it) and the sizes are known."""
    r, c = form.values[0], form.values[1] if len(form.values) > 1 else None
    if r is None or c is None or r <= 0 or c <= 0:
        return ""
    shape = _input_shape(ctx, call)
    if shape is None or len(shape) < 3 or not all(isinstance(d, int) for d in shape[:2]):
        return ""
    padding = "valid"
    for keyword in ("padding", "border_mode"):
        arg = call.keyword(keyword)
        if arg is not None:
            value = ctx.constants.value(arg.value, call.scope)
            if value not in ("valid", "same"):
                return ""
            padding = value
    height, width = shape[0], shape[1]
    stride = _keras1_stride(ctx, call)
    if stride is None:
        return ""
    if padding == "valid":
        if height < r or width < r or height < r or width < c:
            return ""
        keras3 = ((height - r) // c + 1, (width - r) // c + 1)
        keras1 = ((height - r) // stride[0] + 1, (width - c) // stride[1] + 1)
    else:
        keras3 = (math.ceil(height / c), math.ceil(width / c))
        keras1 = (math.ceil(height / stride[0]), math.ceil(width / stride[1]))
    return f"so its {height}x{width} input becomes {keras3[0]}x{keras3[1]} instead of {keras1[0]}x{keras1[1]}"


def _keras1_stride(ctx: Context, call: Call) -> tuple[int, int] | None:
    """The strides Keras 1 used (`subsample=`), (1, 1) by default; None when unknown."""
    stride = (1, 1)
    for keyword in ("subsample", "strides"):
        arg = call.keyword(keyword)
        if arg is not None:
            value = ctx.constants.value(arg.value, call.scope)
            if isinstance(value, int) and not isinstance(value, bool):
                value = (value, value)
            if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
                return None
            stride = value
    return stride


def _input_shape(ctx: Context, call: Call) -> tuple | None:
    arg = call.keyword("input_shape")
    if arg is not None:
        value = ctx.constants.value(arg.value, call.scope)
        return tuple(value) if isinstance(value, (tuple, list)) else None
    for wrapper in ctx.calls_to("keras.layers.TimeDistributed"):
        inner = wrapper.argument("layer", 0)
        if inner is not None and inner.value is call.node:
            shape_arg = wrapper.keyword("input_shape")
            if shape_arg is None:
                return None
            value = ctx.constants.value(shape_arg.value, wrapper.scope)
            return tuple(value)[1:] if isinstance(value, (tuple, list)) and len(value) > 1 else None
    return None
