"""MultiHeadAttention and Attention."""

from __future__ import annotations

from keras_lint.shapes.config import CallInputs, InvalidLayer, LayerConfig, LayerResult, ShapeError
from keras_lint.shapes.core import unknown_result
from keras_lint.shapes.dims import UNKNOWN, format_shape, product
from keras_lint.shapes.registry import shape_function


def _positive(config: LayerConfig, name: str, *, optional: bool = False):
    value = config.get(name)
    if value is UNKNOWN or (optional and value is None):
        return value
    if not isinstance(value, int) or value <= 0:
        raise InvalidLayer(f"`{name}` must be a positive integer")
    return value


@shape_function("keras.layers.MultiHeadAttention")
def multi_head_attention(config: LayerConfig, call: CallInputs) -> LayerResult:
    heads = _positive(config, "num_heads")
    key_dim = _positive(config, "key_dim")
    value_dim = _positive(config, "value_dim", optional=True)
    if value_dim is None:
        value_dim = key_dim
    use_bias = config.boolean("use_bias")
    use_gate = config.boolean("use_gate")
    output_shape = config.get("output_shape")
    attention_axes = config.get("attention_axes")
    if attention_axes is not None:
        return unknown_result()
    if output_shape is UNKNOWN:
        return unknown_result()
    if output_shape:
        output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        if not all(isinstance(d, int) and not isinstance(d, bool) for d in output_shape):
            return unknown_result()
    else:
        output_shape = None
    query = call.shape()
    value = call.extra.get("value", UNKNOWN)
    key = call.extra.get("key")
    if key is None:
        key = value
    scores = call.extra.get("return_attention_scores", False)
    if not all(isinstance(s, tuple) for s in (query, value, key)):
        return unknown_result()
    if value[1:-1] != key[1:-1] and UNKNOWN not in value[1:-1] + key[1:-1]:
        raise ShapeError(
            "incompatible",
            f"MultiHeadAttention needs `value` and `key` to match except in their last dimension but gets "
            f"value {format_shape(value)} and key {format_shape(key)} (None is the batch dimension)",
            layer="MultiHeadAttention",
        )
    if not (len(query) == len(value) == len(key) == 3):
        return unknown_result()
    out_dims = output_shape if output_shape is not None else (query[-1],)
    output = query[:-1] + tuple(out_dims)
    if scores is UNKNOWN:
        output = UNKNOWN
    elif scores:
        output = [output, (query[0], heads, query[1], query[1])]
    dims = (query[-1], key[-1], value[-1])
    if any(d is UNKNOWN for d in dims) or UNKNOWN in (heads, key_dim, value_dim, use_bias, use_gate) or product(out_dims) is UNKNOWN:
        return LayerResult(output, UNKNOWN, UNKNOWN)
    if any(d is None for d in dims + tuple(out_dims)):
        raise ShapeError(
            "incompatible",
            f"MultiHeadAttention needs the last dimensions of query {format_shape(query)}, value {format_shape(value)} "
            f"and key {format_shape(key)} known to create its weights",
            layer="MultiHeadAttention",
        )
    q_dim, k_dim, v_dim = dims
    bias = 1 if use_bias else 0
    params = q_dim * heads * key_dim + bias * heads * key_dim
    params += k_dim * heads * key_dim + bias * heads * key_dim
    params += v_dim * heads * value_dim + bias * heads * value_dim
    if use_gate:
        params += q_dim * heads * value_dim + bias * heads * value_dim
    out_size = product(out_dims)
    params += heads * value_dim * out_size + bias * out_size
    return LayerResult(output, params, 0)


@shape_function("keras.layers.Attention")
def attention(config: LayerConfig, call: CallInputs) -> LayerResult:
    use_scale = config.boolean("use_scale")
    score_mode = config.get("score_mode")
    if score_mode is not UNKNOWN and score_mode not in ("dot", "concat"):
        raise InvalidLayer("`score_mode` must be 'dot' or 'concat'")
    main = call.main
    params = UNKNOWN if use_scale is UNKNOWN or score_mode is UNKNOWN else int(bool(use_scale)) + int(score_mode == "concat")
    if isinstance(main, tuple):
        raise ShapeError(
            "incompatible",
            f"Attention must be called on a list [query, value] or [query, value, key] but gets one tensor {format_shape(main)}",
            layer="Attention",
        )
    if not isinstance(main, list) or any(s is UNKNOWN for s in main):
        return LayerResult(UNKNOWN, params, 0)
    if not 2 <= len(main) <= 3:
        raise ShapeError("incompatible", f"Attention takes [query, value] or [query, value, key] but gets {len(main)} tensors", layer="Attention")
    query, value = main[0], main[1]
    key = main[2] if len(main) > 2 else value
    if not query or not value or not key:
        return LayerResult(UNKNOWN, params, 0)
    output = (*query[:-1], value[-1])
    scores = call.extra.get("return_attention_scores", False)
    if scores is UNKNOWN:
        return LayerResult(UNKNOWN, params, 0)
    if scores:
        if len(key) < 2:
            return LayerResult(UNKNOWN, params, 0)
        return LayerResult([output, (*query[:-1], key[-2])], params, 0)
    return LayerResult(output, params, 0)
