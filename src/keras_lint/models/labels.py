"""What the interpreter knows of training labels: one-hot rows from `to_categorical`, and the
element kind (`dtype`) of NumPy arrays, which tells integer class ids from one-hot or
continuous targets.

The training-configuration rules (KRS7xx) compare the labels a model is fitted on with its
loss and its output units; everything here only records what the source proves.
"""

from __future__ import annotations

import libcst as cst

from keras_lint.models.graph import Value
from keras_lint.models.values import OPAQUE, Array, Const, OneHot, Ref, Seq
from keras_lint.shapes import UNKNOWN

# NumPy functions whose result has a known element kind, unless `dtype=` says otherwise.
_DEFAULT_DTYPE = {
    "zeros": "float",
    "ones": "float",
    "empty": "float",
    "random.rand": "float",
    "random.randn": "float",
    "random.random": "float",
    "random.random_sample": "float",
    "random.sample": "float",
    "random.ranf": "float",
    "random.normal": "float",
    "random.uniform": "float",
    "random.randint": "int",
    "random.binomial": "int",
}


def _constant(value: Value | None) -> object:
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq) and all(isinstance(item, Const) for item in value.items):
        return [item.value for item in value.items]
    return UNKNOWN


def dtype_of(value: Value | None) -> str | None:
    """The element kind a `dtype` argument names: "int", "float", "bool", or None."""
    if isinstance(value, Const) and isinstance(value.value, str):
        text = value.value.lower()
    elif isinstance(value, Ref):
        text = value.path.rsplit(".", 1)[-1].lower()
    else:
        return None
    if text.startswith(("int", "uint", "long", "short")):
        return "int"
    if text.startswith(("float", "double", "half", "single")):
        return "float"
    if text in ("bool", "bool_"):
        return "bool"
    return None


def _literal_dtype(value: object) -> str | None:
    """The element kind of a nested list of numbers."""
    kinds: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, bool):
            kinds.add("bool")
        elif isinstance(item, int):
            kinds.add("int")
        elif isinstance(item, float):
            kinds.add("float")
        else:
            return None
    if kinds == {"bool"}:
        return "bool"
    if "float" in kinds:
        return "float"
    return "int" if kinds else None


def with_dtype(result: Value, function: str, positional: list, keywords: dict) -> Value:
    """`result` (what a NumPy call returned) with its element kind, when the call proves it."""
    if not isinstance(result, Array):
        return result
    if "dtype" in keywords:
        result.dtype = dtype_of(keywords["dtype"])
        return result
    if function in ("array", "asarray"):
        source = positional[0] if positional else None
        result.dtype = source.dtype if isinstance(source, Array) else _literal_dtype(_constant(source))
    elif function in ("zeros_like", "ones_like", "empty_like"):
        source = positional[0] if positional else None
        result.dtype = source.dtype if isinstance(source, Array) else None
    else:
        result.dtype = _DEFAULT_DTYPE.get(function)
    return result


def one_hot(node: cst.Call, positional: list, keywords: dict) -> Value:
    """`keras.utils.to_categorical(x, num_classes=None)`."""
    x = positional[0] if positional else keywords.get("x")
    classes_value = positional[1] if len(positional) > 1 else keywords.get("num_classes", Const(None))
    classes = _constant(classes_value)
    if not isinstance(classes, int) or isinstance(classes, bool) or classes <= 0:
        classes = UNKNOWN
    classes_node = None
    if len(node.args) > 1 and node.args[1].keyword is None and not node.args[1].star and not node.args[0].star:
        classes_node = node.args[1].value
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "num_classes":
            classes_node = arg.value
    shape = UNKNOWN
    if isinstance(x, Array) and not x.single:
        rows = x.shape
        # Keras drops a trailing 1 of the labels' shape: (n, 1) -> (n, classes).
        if len(rows) > 1 and rows[-1] == 1:
            rows = rows[:-1]
        shape = (*rows, classes)
    return OneHot(classes, shape, node, classes_node)


# The labels of the datasets bundled with Keras: integer class ids shaped as their docstrings in
# keras/src/datasets/ say (imdb and reuters drop reviews by length, so their sizes vary).
_DATASET_LABELS = {
    "keras.datasets.mnist.load_data": ((60000,), (10000,)),
    "keras.datasets.fashion_mnist.load_data": ((60000,), (10000,)),
    "keras.datasets.cifar10.load_data": ((50000, 1), (10000, 1)),
    "keras.datasets.cifar100.load_data": ((50000, 1), (10000, 1)),
    "keras.datasets.imdb.load_data": ((UNKNOWN,), (UNKNOWN,)),
    "keras.datasets.reuters.load_data": ((UNKNOWN,), (UNKNOWN,)),
}


def dataset(api: str, node: cst.Call) -> Value | None:
    """`(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`: the labels are
    integer class ids (the images are not followed)."""
    shapes = _DATASET_LABELS.get(api)
    if shapes is None:
        return None
    train, test = (Array(shape, api, node, dtype="int") for shape in shapes)
    return Seq([Seq([OPAQUE, train], True), Seq([OPAQUE, test], True)], True)
