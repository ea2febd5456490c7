"""Run Keras code in real TensorFlow 2.21 (Keras 3) and exercise the models it builds.

Loss and metric strings are only resolved at the first fit, so "the code runs" is not enough:
every compiled model found in the executed namespace is fitted on one batch of zeros shaped
from its inputs and outputs.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@dataclass
class Run:
    namespace: dict
    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)

    def error_text(self) -> str:
        return "" if self.error is None else f"{type(self.error).__name__}: {self.error}"


def keras():
    import keras as keras_module

    return keras_module


def _zeros_for(shape, dtype="float32"):
    import numpy as np

    return np.zeros([1 if d is None else d for d in shape], dtype=dtype)


def _sparse_loss(model) -> bool:
    """Whether the model is compiled with a sparse categorical crossentropy (its labels are
    class ids, one fewer dimension than the output)."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    return isinstance(name, str) and name.startswith("sparse_categorical")


def exercise(namespace: dict) -> None:
    """Fit every compiled Keras model in `namespace` on one batch of zeros (class ids for a
    sparse categorical crossentropy)."""
    k = keras()
    for value in list(namespace.values()):
        if not isinstance(value, k.Model) or not getattr(value, "compiled", False) or not value.built:
            continue
        try:
            inputs = [_zeros_for(tuple(t.shape)) for t in value.inputs]
            outputs = [_zeros_for(tuple(t.shape)) for t in value.outputs]
            if len(outputs) == 1 and _sparse_loss(value):
                outputs = [_zeros_for(tuple(value.outputs[0].shape)[:-1], "int32")]
        except (AttributeError, ValueError):
            continue
        x = inputs[0] if len(inputs) == 1 else inputs
        y = outputs[0] if len(outputs) == 1 else outputs
        value.fit(x, y, batch_size=1, epochs=1, verbose=0)


def run_keras_code(code: str, *, fit: bool = True) -> Run:
    k = keras()
    k.backend.clear_session()
    namespace: dict = {"__name__": "keras_lint_example"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(code, "<example>", "exec"), namespace)
            if fit:
                exercise(namespace)
        except Exception as exc:  # the point is to observe what Keras raises
            return Run(namespace, exc, [str(w.message) for w in caught])
    return Run(namespace, None, [str(w.message) for w in caught])
