"""A model's summary, as TensorFlow's `model.summary()` prints it, computed from source.

What keras-lint cannot prove is shown as `?`: an unknown dimension inside a shape, a shape of
unknown rank, or a parameter count (and then the totals).
"""

from __future__ import annotations

from keras_lint.models.graph import Layer, Model, Node
from keras_lint.shapes import UNKNOWN, format_output

_WEIGHT_BYTES = 4  # float32, Keras' default dtype policy


def _count(value) -> str:
    return "?" if value is UNKNOWN else f"{value:,}"


def readable_memory_size(size: float) -> str:
    """Keras' `readable_memory_size`."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _with_memory(count) -> str:
    if count is UNKNOWN:
        return "?"
    return f"{count:,} ({readable_memory_size(count * _WEIGHT_BYTES)})"


def graph_nodes(model: Model) -> list[Node]:
    """The nodes that belong to the model's graph."""
    if model.kind == "sequential":
        return list(model.nodes())
    nodes: list[Node] = []
    seen: set[int] = set()
    stack = [t.node for t in model.outputs if t.node is not None]
    input_ids = {id(t) for t in model.inputs}
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        for tensor in node.inputs:
            if id(tensor) in input_ids and tensor.node is not None and not tensor.node.is_input:
                continue
            if tensor.node is not None:
                stack.append(tensor.node)
    return nodes


def sequential_like(model: Model) -> bool:
    """Keras prints the "Connected to" column only for graphs that are not a plain chain."""
    if model.kind == "sequential":
        return True
    nodes = graph_nodes(model)
    consumers: dict[int, int] = {}
    per_layer: dict[int, int] = {}
    for node in nodes:
        if len(node.inputs) > 1:
            return False
        per_layer[id(node.layer)] = per_layer.get(id(node.layer), 0) + 1
        for tensor in node.inputs:
            consumers[id(tensor)] = consumers.get(id(tensor), 0) + 1
    return all(c <= 1 for c in consumers.values()) and all(c <= 1 for c in per_layer.values())


def _connections(layer: Layer, nodes: set[int]) -> str:
    parts = []
    for node in layer.nodes:
        if id(node) not in nodes:
            continue
        for tensor in node.inputs:
            producer = tensor.node
            if producer is None:
                parts.append("?")
                continue
            index = producer.layer.nodes.index(producer) if producer in producer.layer.nodes else 0
            parts.append(f"{producer.layer.name}[{index}][{tensor.index}]")
    return ", ".join(parts) if parts else "-"


def _output_text(layer: Layer, model: Model) -> str:
    if layer.class_name == "?":
        return "?"
    if model.kind == "sequential":
        own = [n for n in layer.nodes if n.owner is model]
        if not own:
            return "?"
        shapes = own[0].output_shapes
        return format_output(shapes[0] if len(shapes) == 1 else shapes)
    return format_output(layer.output_shape)


def rows(model: Model) -> list[dict]:
    """One row per layer: name, class, output shape (text), parameter count."""
    result = []
    in_graph = {id(n) for n in graph_nodes(model)}
    for layer in model.layers:
        trainable, frozen = layer.weights()
        params = UNKNOWN if UNKNOWN in (trainable, frozen) else trainable + frozen
        if layer.class_name == "InputLayer":
            params = 0
        result.append(
            {
                "layer": layer,
                "name": layer.name,
                "class": layer.class_name,
                "output": _output_text(layer, model),
                "params": params,
                "connected": _connections(layer, in_graph),
            }
        )
    return result


def render_text(model: Model, location: str) -> str:
    """The summary table, in the box characters TensorFlow uses."""
    table_rows = rows(model)
    with_connections = not sequential_like(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if with_connections else [])
    cells = [
        [f"{r['name']} ({r['class']})", r["output"], _count(r["params"])] + ([r["connected"]] if with_connections else [])
        for r in table_rows
    ]
    minimum = [31, 22, 13, 17][: len(headers)]
    widths = [max([len(h), m] + [len(c[i]) for c in cells]) for i, (h, m) in enumerate(zip(headers, minimum))]
    right = {2}

    def line(left: str, middle: str, end: str, fill: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + end

    def row(values: list[str], bar: str) -> str:
        parts = []
        for i, (value, width) in enumerate(zip(values, widths)):
            parts.append(" " + (value.rjust(width) if i in right else value.ljust(width)) + " ")
        return bar + bar.join(parts) + bar

    out = [f'Model: "{model.name}"  ({location})']
    out.append(line("┏", "┳", "┓", "━"))
    out.append(row(headers, "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for index, values in enumerate(cells):
        out.append(row(values, "│"))
        out.append(line("├", "┼", "┤", "─") if index < len(cells) - 1 else line("└", "┴", "┘", "─"))
    if not cells:
        out.append(line("└", "┴", "┘", "─"))
    trainable, frozen = model.weights()
    total = UNKNOWN if UNKNOWN in (trainable, frozen) else trainable + frozen
    out.append(f" Total params: {_with_memory(total)}")
    out.append(f" Trainable params: {_with_memory(trainable)}")
    out.append(f" Non-trainable params: {_with_memory(frozen)}")
    if model.kind == "sequential" and not model.built and model.complete:
        out.append(" (The model has no input shape in the source: Keras builds it at the first fit or call.)")
    elif not model.complete:
        out.append(" (Some layers or inputs are not known from the source: what is marked ? is not proven.)")
    elif any("?" in " ".join(cell) for cell in cells) or total is UNKNOWN:
        out.append(" (? marks what the source does not prove: a value keras-lint cannot follow, or a layer it has no shapes for.)")
    return "\n".join(out)


def shape_json(shape) -> object:
    """A shape for JSON: a list with null for the batch or an unknown dimension; null when not
    even the rank is known; a list of those for several outputs."""
    if isinstance(shape, list):
        return [shape_json(s) for s in shape]
    if not isinstance(shape, tuple):
        return None
    return [d if isinstance(d, int) else None for d in shape]


def render_json(model: Model, filename: str, line: int) -> dict:
    layers = []
    for r in rows(model):
        layer = r["layer"]
        if model.kind == "sequential":
            own = [n for n in layer.nodes if n.owner is model]
            shapes = own[0].output_shapes if own else [UNKNOWN]
            output = shapes[0] if len(shapes) == 1 else shapes
        else:
            output = layer.output_shape
        layers.append(
            {
                "name": r["name"],
                "class": r["class"],
                "output_shape": shape_json(output),
                "params": None if r["params"] is UNKNOWN else r["params"],
            }
        )
    trainable, frozen = model.weights()
    total = UNKNOWN if UNKNOWN in (trainable, frozen) else trainable + frozen
    return {
        "model": model.name,
        "file": filename,
        "line": line,
        "layers": layers,
        "total_params": None if total is UNKNOWN else total,
        "trainable_params": None if trainable is UNKNOWN else trainable,
        "non_trainable_params": None if frozen is UNKNOWN else frozen,
    }
