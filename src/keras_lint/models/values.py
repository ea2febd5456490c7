"""What the interpreter keeps in variables besides tensors, layers and models."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_lint.models.graph import Value
from keras_lint.semantic.model import FunctionInfo
from keras_lint.semantic.names import KerasName


class Opaque(Value):
    """A value keras-lint does not follow."""

    _instance: Opaque | None = None

    def __new__(cls) -> Opaque:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OPAQUE"


OPAQUE = Opaque()


@dataclass(eq=False)
class Const(Value):
    """A Python constant: number, string, None, bool, or a tuple/list of constants."""

    value: object


@dataclass(eq=False)
class Seq(Value):
    """A tuple or list whose items are values (tensors, layers, ...)."""

    items: list[Value]
    is_tuple: bool = False


@dataclass(eq=False)
class Mapping(Value):
    items: dict[str, Value]


@dataclass(eq=False)
class Ref(Value):
    """An imported object: `keras.layers.Dense`, `numpy.zeros`, ..."""

    path: str
    keras: KerasName | None = None


@dataclass(eq=False)
class Function(Value):
    """A function defined in the file."""

    info: FunctionInfo
    closure: object = None  # the frame it was defined in (for nested functions)


@dataclass(eq=False)
class Method(Value):
    """`receiver.name`, looked up to be called."""

    receiver: Value
    name: str


@dataclass(eq=False)
class Array(Value):
    """A NumPy array (or Keras image array) whose shape the source proves, at least in rank.

    `single` marks one sample without a batch dimension (`img_to_array` of one image).
    """

    shape: tuple
    origin: str  # how it was made: "np.zeros", "img_to_array", ...
    node: cst.CSTNode | None = None
    single: bool = False
    # The kind of its elements when the source proves it: "int" (np.random.randint, a literal
    # of ints, `.astype("int32")`), "float", "bool"; None when unknown. See models/labels.py.
    dtype: str | None = None


@dataclass(eq=False)
class OneHot(Value):
    """What `keras.utils.to_categorical(y, num_classes)` returns: one-hot rows whose last
    dimension is `classes` (an int; UNKNOWN when `num_classes` is not given or not known, Keras
    then uses max(y) + 1). `shape` is the whole shape when the shape of `y` is known, else
    UNKNOWN; `classes_node` is the expression `num_classes` was written as (`num_classes`,
    `10`), `node` the call."""

    classes: object
    shape: object
    node: cst.CSTNode | None = field(default=None, repr=False)
    classes_node: cst.CSTNode | None = field(default=None, repr=False)


@dataclass(eq=False)
class Image(Value):
    """A PIL image from `load_img`: its (height, width) if `target_size` is known, and channels."""

    size: object
    channels: object
