"""Whether Keras 3's changes apply to a file.

They do when the target is Keras 3 (`target-keras = "3"`, the default) and the file is not
written against `tensorflow.python.keras`, TensorFlow's frozen internal copy of Keras 2: that
copy still imports in TF 2.21 and keeps the Keras 2 API (its `backend.mean`, `fit(workers=)`,
SavedModel saving), so code that uses only it is Keras 2 code wherever it runs.
"""

from __future__ import annotations

import libcst as cst

from keras_lint.context import Context
from keras_lint.semantic.model import dotted_name
from keras_lint.semantic.names import keras_name


def keras3_applies(ctx: Context) -> bool:
    return ctx.settings.target_keras != "2" and not ctx.memo("uses_only_frozen_keras2", _uses_only_frozen_keras2)


def _uses_only_frozen_keras2(ctx: Context) -> bool:
    flavours = set()
    for node, _scope in ctx.semantic.imports:
        if isinstance(node, cst.Import):
            modules = [dotted_name(alias.name) for alias in node.names]
        elif node.module is not None and not node.relative:
            modules = [dotted_name(node.module)]
        else:
            continue
        for module in modules:
            if not module:
                continue
            if module == "tensorflow" or (module.startswith("tensorflow.") and not module.startswith("tensorflow.python.keras")):
                if module.startswith(("tensorflow.keras", "tensorflow.compat")) or module == "tensorflow":
                    flavours.add("tf.keras")
                continue
            name = keras_name(module)
            if name is not None:
                flavours.add(name.flavour)
    return flavours == {"tensorflow.python.keras"}
