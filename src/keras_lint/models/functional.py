"""The layers of a functional model in Keras' order: a port of `keras.src.ops.function.map_graph`
(depth-first from the outputs, then by depth from the inputs, ties in traversal order)."""

from __future__ import annotations

from collections import defaultdict

from keras_lint.models.graph import Layer, Node, Tensor


def layers_in_graph(inputs: list[Tensor], outputs: list[Tensor]) -> tuple[list[Layer], bool]:
    """The layers between `inputs` and `outputs`, ordered as `Functional.layers`, and whether the
    whole graph could be followed (False when a tensor comes from something keras-lint does not
    know)."""
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered_nodes: list[Node] = []
    layer_index: dict[int, int] = {}
    layers_by_id: dict[int, Layer] = {}
    input_ids = {id(t) for t in inputs}
    complete = True

    def visit(tensor: Tensor) -> None:
        nonlocal complete
        node = tensor.node
        if node is None:
            if id(tensor) not in input_ids:
                complete = False
            return
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        if id(node) in in_progress:
            complete = False  # a cycle: Keras refuses it
            return
        layer = node.layer
        if id(layer) not in layer_index:
            layer_index[id(layer)] = len(layer_index)
            layers_by_id[id(layer)] = layer
        in_progress.add(id(node))
        if not node.is_input:
            for parent in node.inputs:
                visit(parent)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered_nodes.append(node)

    for tensor in outputs:
        visit(tensor)

    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    in_graph = {id(n) for n in ordered_nodes}
    for node in reversed(ordered_nodes):
        depth = node_depth.setdefault(id(node), 0)
        previous = layer_depth.get(id(node.layer), 0)
        depth = max(depth, previous)
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in _parent_nodes(node):
            if id(parent) not in in_graph:
                continue
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    # An input the traversal did not reach: Keras puts an unused input last (depth 0); when the
    # graph is only broken for keras-lint (an unknown step in between), the input is first.
    unreached_depth = 0 if complete else max(layer_depth.values(), default=-1) + 1
    for tensor in inputs:
        node = tensor.node
        if node is not None and node.is_input and id(node.layer) not in layer_depth:
            layer_depth[id(node.layer)] = unreached_depth
            layer_index[id(node.layer)] = -1
            layers_by_id[id(node.layer)] = node.layer
    by_depth: dict[int, list[Layer]] = defaultdict(list)
    for layer_id, depth in layer_depth.items():
        by_depth[depth].append(layers_by_id[layer_id])
    layers: list[Layer] = []
    for depth in sorted(by_depth, reverse=True):
        layers.extend(sorted(by_depth[depth], key=lambda layer: layer_index[id(layer)]))
    return layers, complete


def _parent_nodes(node: Node) -> list[Node]:
    return [t.node for t in node.inputs if t.node is not None]

