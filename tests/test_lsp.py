"""`keras-lint lsp` driven over stdio by a real JSON-RPC client, as an editor drives it: open a
file, receive the diagnostic, request code actions, apply the quick fix, and the file is fixed."""

from __future__ import annotations

import pathlib

import pytest
from lsp_client import LspClient, apply_text_edits, workspace_edits

from keras_lint.lsp import PositionMapper, _minimal_change
from keras_lint.rules import get_rule

pytest.importorskip("pygls")

# A non-BMP character before the finding on its line: UTF-16 columns differ from code points.
SOURCE = 'import keras\nlabel = "😀"; layer = keras.layers.Dense(4, input_shape=(12))\nmodel = keras.Sequential([layer, keras.layers.Softmax()])\nmodel.compile(loss="mse", metrics=["accurcy"])\n'
FIXED = SOURCE.replace("(12)", "(12,)").replace('"accurcy"', '"accuracy"')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    (root / "pyproject.toml").write_text('[tool.keras-lint]\ntarget-keras = "3"\n')
    client = LspClient(str(root))
    client.initialize(root.as_uri(), {"debounce": 0.05})
    yield client, root
    client.shutdown()


@pytest.fixture
def server(client, request):
    """The shared server, and a folder of the workspace for this test alone."""
    lsp, root = client
    folder = root / request.node.name
    folder.mkdir()
    return lsp, folder


def open_document(client, path: pathlib.Path, text: str) -> tuple[str, list[dict]]:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri, client.wait_for_diagnostics(uri, 1)


def change(client, uri: str, version: int, text: str) -> list[dict]:
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
    return client.wait_for_diagnostics(uri, version)


def code_actions(client, uri: str, diagnostics: list[dict], only: list[str] | None = None) -> list[dict]:
    context = {"diagnostics": diagnostics}
    if only is not None:
        context["only"] = only
    span = diagnostics[0]["range"] if diagnostics else {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
    return client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": span, "context": context})


def test_diagnostic_quick_fix_and_the_file_is_fixed(server):
    client, root = server
    uri, diagnostics = open_document(client, root / "model.py", SOURCE)
    by_code = {d["code"]: d for d in diagnostics}
    assert set(by_code) == {"KRS101", "KRS102"}
    shape = by_code["KRS101"]
    # `12` starts at code point 56 of the line; the emoji takes two UTF-16 units.
    assert shape["range"] == {"start": {"line": 1, "character": 56}, "end": {"line": 1, "character": 60}}
    assert shape["source"] == "keras-lint"
    assert shape["severity"] == 1
    assert shape["codeDescription"]["href"] == get_rule("KRS101").url()
    assert shape["data"]["applicability"] == "safe"
    assert shape["data"]["edits"] == [{"range": {"start": {"line": 1, "character": 56}, "end": {"line": 1, "character": 60}}, "newText": "(12,)"}]

    actions = code_actions(client, uri, [shape])
    titles = [action["title"] for action in actions]
    assert titles[:2] == ["keras-lint (KRS101): Write `(12,)`", "keras-lint (KRS101): Disable KRS101 for this line"]
    quick_fix = actions[0]
    assert quick_fix["kind"] == "quickfix" and quick_fix["isPreferred"] is True
    assert quick_fix["edit"]["documentChanges"][0]["textDocument"] == {"uri": uri, "version": 1}
    text = apply_text_edits(SOURCE, workspace_edits(quick_fix["edit"], uri))
    assert text == SOURCE.replace("(12)", "(12,)")

    diagnostics = change(client, uri, 2, text)
    assert [d["code"] for d in diagnostics] == ["KRS102"]
    action = code_actions(client, uri, diagnostics)[0]
    assert action["title"] == "keras-lint (KRS102): Replace 'accurcy' with 'accuracy'"
    text = apply_text_edits(text, workspace_edits(action["edit"], uri))
    assert text == FIXED
    assert change(client, uri, 3, text) == []


def test_disable_for_this_line_and_fix_all(server):
    client, root = server
    uri, diagnostics = open_document(client, root / "model.py", SOURCE)
    shape = next(d for d in diagnostics if d["code"] == "KRS101")
    disable = next(a for a in code_actions(client, uri, [shape]) if "Disable" in a["title"])
    text = apply_text_edits(SOURCE, workspace_edits(disable["edit"], uri))
    assert "input_shape=(12))  # noqa: KRS101\n" in text
    assert [d["code"] for d in change(client, uri, 2, text)] == ["KRS102"]

    uri, diagnostics = open_document(client, root / "other.py", SOURCE)
    actions = code_actions(client, uri, diagnostics, only=["source.fixAll"])
    assert [a["kind"] for a in actions] == ["source.fixAll.keras-lint"]
    text = apply_text_edits(SOURCE, workspace_edits(actions[0]["edit"], uri))
    assert text == FIXED
    assert code_actions(client, uri, [], only=["quickfix"]) == []


def test_stale_diagnostics_get_no_fix_and_saving_lints(server):
    client, root = server
    uri, diagnostics = open_document(client, root / "model.py", SOURCE)
    edited = "# a new first line\n" + SOURCE
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]})
    # The old diagnostic's range no longer holds the finding: no edit may be offered for it.
    shape = next(d for d in diagnostics if d["code"] == "KRS101")
    assert code_actions(client, uri, [shape], only=["quickfix"]) == []
    moved = client.wait_for_diagnostics(uri, 2)
    assert {d["range"]["start"]["line"] for d in moved if d["code"] == "KRS101"} == {2}
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert len(client.wait_for_diagnostics(uri)) == 2


def test_settings_come_from_pyproject(server):
    client, root = server
    (root / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KRS102"]\n')
    _, diagnostics = open_document(client, root / "model.py", SOURCE)
    assert [d["code"] for d in diagnostics] == ["KRS101"]
    # An edited configuration applies at the next lint.
    (root / "pyproject.toml").write_text('[tool.keras-lint]\nignore = ["KRS101"]\n')
    _, diagnostics = open_document(client, root / "other.py", SOURCE)
    assert [d["code"] for d in diagnostics] == ["KRS102"]


def test_position_mapping_units():
    text = "a😀b\r\nc\rd\n\u2028e"
    for encoding, expected in (("utf-16", 3), ("utf-8", 5), ("utf-32", 2)):
        mapper = PositionMapper(text, encoding)
        position = mapper.position(2)  # before `b`
        assert (position.line, position.character) == (0, expected)
        assert mapper.offset(position) == 2
    mapper = PositionMapper(text)
    assert (mapper.position(text.index("c")).line, mapper.position(text.index("d")).line) == (1, 2)
    assert mapper.position(text.index("e")).line == 3  # \u2028 does not end an LSP line
    assert _minimal_change("abcdef", "abXYef") == (2, 4, "XY")
