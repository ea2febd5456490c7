"""Dimensions and shapes as keras-lint knows them.

A dimension is an `int`, `None` (the batch dimension, or a size Keras itself leaves dynamic,
like the length of a variable-length sequence) or `UNKNOWN` (the source does not prove it).
A shape is a tuple of dimensions, or `UNKNOWN` when not even its rank is known. `None` and
`UNKNOWN` are different claims: `(None, 32)` says Keras will report `(None, 32)`;
`(None, UNKNOWN)` says keras-lint cannot tell.
"""

from __future__ import annotations

import math
from typing import Union


class Unknown:
    """What the source does not prove. A singleton: compare with `is UNKNOWN`."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"

    def __copy__(self) -> Unknown:
        return self

    def __deepcopy__(self, memo) -> Unknown:
        return self


UNKNOWN = Unknown()

Dim = Union[int, None, Unknown]
Shape = Union[tuple, Unknown]  # tuple[Dim, ...], or UNKNOWN for an unknown rank


def is_shape(value: object) -> bool:
    return isinstance(value, tuple)


def fully_known(shape: Shape) -> bool:
    """Every dimension proven (None counts as proven: Keras leaves it dynamic)."""
    return isinstance(shape, tuple) and all(d is not UNKNOWN for d in shape)


def rank(shape: Shape) -> int | Unknown:
    return len(shape) if isinstance(shape, tuple) else UNKNOWN


def format_dim(dim: Dim) -> str:
    return "?" if dim is UNKNOWN else str(dim)


def format_shape(shape: Shape) -> str:
    """`(None, 3, 4)` as Keras prints it; `?` for what is unknown."""
    if not isinstance(shape, tuple):
        return "?"
    if len(shape) == 1:
        return f"({format_dim(shape[0])},)"
    return "(" + ", ".join(format_dim(d) for d in shape) + ")"


def format_output(output) -> str:
    """A layer's output: one shape, or a list of them (LSTM with return_state)."""
    if isinstance(output, list):
        return "[" + ", ".join(format_output(o) for o in output) + "]"
    return format_shape(output)


def product(dims) -> int | None | Unknown:
    """The number of values in `dims`: UNKNOWN if a dimension is unknown, None if one is dynamic."""
    if any(d is UNKNOWN for d in dims):
        return UNKNOWN
    if any(d is None for d in dims):
        return None
    return math.prod(dims)


def batch_note(shape: Shape) -> str:
    """The words that say which dimension is the batch, for messages."""
    if isinstance(shape, tuple) and shape and shape[0] is None:
        return "None is the batch dimension"
    return "the first dimension is the batch"


def sample_shape(shape: Shape) -> Shape:
    """The shape without the batch dimension: what `input_shape=` would say."""
    return shape[1:] if isinstance(shape, tuple) else UNKNOWN


def same_dim(a: Dim, b: Dim) -> bool | Unknown:
    """Whether two dimensions are provably equal (True), provably different (False), or
    UNKNOWN. None (dynamic) equals anything, the way Keras checks shapes while building."""
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is None or b is None:
        return True
    return a == b
