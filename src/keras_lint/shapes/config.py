"""What a shape function is given (a layer's arguments, the shapes it is called on) and what it
gives back (output shapes, parameter counts, or the reason it cannot work).

Nothing here knows about source code: the models package turns calls in the source into
`LayerConfig`s; the differential test builds them from generated code the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from keras_lint.knowledge import keras3
from keras_lint.shapes.dims import UNKNOWN, Shape, Unknown, format_shape

CHANNELS_LAST = "channels_last"
CHANNELS_FIRST = "channels_first"

# Keyword arguments some layers pop from **kwargs before Layer.__init__ sees them (so the
# generated signatures do not list them), with a warning or silently.
_POPPED_KWARGS: dict[str, frozenset[str]] = {
    "keras.layers.Embedding": frozenset({"input_length"}),
    "keras.layers.LSTM": frozenset({"implementation"}),
    "keras.layers.GRU": frozenset({"implementation"}),
    "keras.layers.SimpleRNN": frozenset({"implementation"}),
    "keras.layers.InputLayer": frozenset({"input_shape", "batch_input_shape"}),
    "keras.layers.LayerNormalization": frozenset({"rms_scaling"}),
}


@dataclass(frozen=True)
class SignatureFacts:
    """What `from_arguments` needs of a constructor's signature, computed once per class."""

    signature: keras3.Signature
    positional: tuple[str, ...]
    keywords: frozenset[str]
    extra_allowed: frozenset[str]  # **kwargs Layer.__init__ accepts (none without **kwargs)


@functools.cache
def signature_facts(path: str) -> SignatureFacts | None:
    signature = keras3.signature(path)
    if signature is None:
        return None
    extra = (keras3.layer_base_kwargs() | _POPPED_KWARGS.get(path, frozenset())) if signature.var_keyword else frozenset()
    return SignatureFacts(signature, signature.positional_names(), signature.keyword_names(), extra)


class _Marker:
    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


# A `Lambda` function the source shows keeps its input's shape (`lambda x: x / 255.0`).
SHAPE_PRESERVING = _Marker("SHAPE_PRESERVING")


class ShapeError(Exception):
    """The layer provably cannot take its input: Keras raises while building the model.

    `kind` says which rule reports it: "rank" (wrong number of dimensions), "reshape"
    (element count), "nonpositive" (a spatial size reaches zero or below), "merge" (merged
    inputs do not match), "incompatible" (any other mismatch between a layer and its input).
    `message` is a sentence naming the shapes and the batch dimension.
    """

    def __init__(self, kind: str, message: str, **facts):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.facts = facts


class InvalidLayer(Exception):
    """The layer's own arguments are invalid (Keras raises when it is created). Not a shape
    finding: argument rules report those. The output is unknown."""


@dataclass
class LayerConfig:
    """A layer as constructed: its Keras 3 class and every argument's value.

    `values` maps each parameter of the constructor (and any `**kwargs` given) to a Python
    constant, a nested `LayerConfig` (the layer a wrapper wraps), or `UNKNOWN` when the source
    does not prove the value. Parameters that were not passed hold Keras' default. `given` names
    the ones the source passed.
    """

    path: str  # canonical Keras 3 path, e.g. "keras.layers.Conv2D"
    values: dict[str, object] = field(default_factory=dict)
    given: frozenset[str] = frozenset()
    # data_format=None means keras.config.image_data_format(): "channels_last" unless the code
    # changes it (then UNKNOWN).
    image_data_format: str | Unknown = CHANNELS_LAST
    # Why the layer cannot be built at all (an unknown keyword, too many positional arguments),
    # or None.
    invalid: str | None = None

    @property
    def class_name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def get(self, name: str, default: object = UNKNOWN) -> object:
        return self.values.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.given

    @classmethod
    def from_arguments(
        cls,
        path: str,
        positional: list[object] | tuple[object, ...] = (),
        keywords: Mapping[str, object] | None = None,
        *,
        image_data_format: str | Unknown = CHANNELS_LAST,
    ) -> LayerConfig:
        """Map positional arguments to parameter names with Keras 3's own signature, and fill
        in the defaults. An argument Keras 3 would refuse makes the config `invalid`."""
        keywords = dict(keywords or {})
        facts = signature_facts(path)
        values: dict[str, object] = {}
        invalid = None
        if facts is None:
            return cls(path, dict(keywords), frozenset(keywords), image_data_format, invalid="no signature")
        signature = facts.signature
        names = facts.positional
        if len(positional) > len(names) and signature.var_positional is None:
            invalid = f"{len(positional)} positional arguments, at most {len(names)} accepted"
        for name, value in zip(names, positional):
            values[name] = value
        for name, value in keywords.items():
            if name in values:
                invalid = f"`{name}` given twice"
            values[name] = value
        extra = set(keywords) - facts.keywords
        if extra:
            unknown = sorted(extra - facts.extra_allowed)
            if unknown:
                invalid = f"unrecognized keyword arguments {unknown}"
        given = frozenset(values)
        for param in signature.params:
            if param.name in values:
                continue
            if param.required:
                invalid = invalid or f"missing argument `{param.name}`"
                values[param.name] = UNKNOWN
            elif param.default is keras3.NON_LITERAL:
                values[param.name] = UNKNOWN
            else:
                values[param.name] = param.default
        return cls(path, values, given, image_data_format, invalid)

    # -- argument readers that mirror Keras' own validation -------------------------------

    def int_tuple(self, name: str, n: int, *, allow_zero: bool = False) -> tuple | Unknown:
        """`standardize_tuple`: an int or n ints, each > 0 (>= 0 with allow_zero)."""
        value = self.get(name)
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, bool):
            raise InvalidLayer(f"`{name}` must be {n} integers")
        if isinstance(value, int):
            values = (value,) * n
        elif isinstance(value, (tuple, list)):
            if any(v is UNKNOWN for v in value):
                return UNKNOWN
            if len(value) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise InvalidLayer(f"`{name}` must be {n} integers")
            values = tuple(value)
        else:
            raise InvalidLayer(f"`{name}` must be {n} integers")
        if any(v < 0 or (v == 0 and not allow_zero) for v in values):
            raise InvalidLayer(f"`{name}` must be positive")
        return values

    def positive_int(self, name: str) -> int | Unknown:
        value = self.get(name)
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise InvalidLayer(f"`{name}` must be a positive integer")
        return value

    def boolean(self, name: str) -> bool | Unknown:
        value = self.get(name)
        if value is UNKNOWN:
            return UNKNOWN
        return bool(value)

    def padding(self, name: str = "padding", *, allow_causal: bool = False) -> str | Unknown:
        value = self.get(name)
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, str):
            raise InvalidLayer(f"`{name}` must be a string")
        allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
        if value.lower() not in allowed:
            raise InvalidLayer(f"`{name}` must be one of {sorted(allowed)}")
        return value.lower()

    def data_format(self, name: str = "data_format") -> str | Unknown:
        value = self.get(name, None)
        if value is UNKNOWN:
            return UNKNOWN
        if value is None:
            return self.image_data_format
        text = str(value).lower()
        if text not in (CHANNELS_LAST, CHANNELS_FIRST):
            raise InvalidLayer(f"`{name}` must be channels_last or channels_first")
        return text


@dataclass
class CallInputs:
    """What a layer is called on: `main` is the first positional argument (a shape, or a list
    of shapes for merge layers), `extra` the other arguments by parameter name (shapes of
    tensors, constants, or UNKNOWN)."""

    main: object
    extra: dict[str, object] = field(default_factory=dict)

    def shape(self) -> Shape:
        """The single input shape (UNKNOWN when it is a list or unknown)."""
        return self.main if isinstance(self.main, tuple) else UNKNOWN


@dataclass
class LayerResult:
    """`output` is a shape, or a list of outputs for layers that return several tensors.
    Parameter counts are ints or UNKNOWN."""

    output: object
    trainable: int | Unknown = 0
    non_trainable: int | Unknown = 0

    @property
    def params(self) -> int | Unknown:
        if self.trainable is UNKNOWN or self.non_trainable is UNKNOWN:
            return UNKNOWN
        return self.trainable + self.non_trainable


def expect_rank(
    layer: str,
    shape: Shape,
    *,
    ndim: int | None = None,
    min_ndim: int | None = None,
    max_ndim: int | None = None,
    layout: str | None = None,
) -> None:
    """Keras' InputSpec check, as a ShapeError that says what the layer expects."""
    if not isinstance(shape, tuple):
        return
    got = len(shape)
    if ndim is not None and got != ndim:
        expected = f"a {ndim}-D input"
    elif min_ndim is not None and got < min_ndim:
        expected = f"an input of at least {min_ndim} dimensions"
    elif max_ndim is not None and got > max_ndim:
        expected = f"an input of at most {max_ndim} dimensions"
    else:
        return
    if layout:
        expected += f" {layout}"
    raise ShapeError(
        "rank",
        f"{layer} expects {expected} but gets {format_shape(shape)}",
        layer=layer,
        shape=shape,
        ndim=ndim,
        min_ndim=min_ndim,
        max_ndim=max_ndim,
        layout=layout,
    )
