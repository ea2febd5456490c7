"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo` in a temporary git
repository.

pre-commit builds the hook's environment by pip-installing this project (with libcst and
flake8), so the test needs PyPI or a pip cache / find-links that has them; it is skipped, saying
so, when pip cannot get them. The working tree (with uncommitted changes) is snapshotted into a
committed repository first, so that the three runs share one hook environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from cli_helpers import write
from conftest import ROOT

pytestmark = pytest.mark.slow

BUGGY = "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n"


def git(*args: str, cwd) -> str:
    environment = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                       GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=environment).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory):
    """This project's files as one commit (what `rev:` would point at)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    snapshot = tmp_path_factory.mktemp("keras-lint-snapshot")
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for relative in filter(None, listed):
        source = os.path.join(ROOT, relative)
        if os.path.isfile(source):
            target = snapshot / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", ".", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return str(snapshot)


def try_repo(hooks_repo: str, hook: str, cwd, home) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PRE_COMMIT_HOME=str(home), TF_CPP_MIN_LOG_LEVEL="3")
    environment.pop("VIRTUAL_ENV", None)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", hooks_repo, hook, "--all-files", "--color", "never"],
                            cwd=cwd, capture_output=True, text=True, env=environment, timeout=600)
    log = os.path.join(str(home), "pre-commit.log")
    if "An unexpected error has occurred" in result.stdout + result.stderr and os.path.exists(log):
        text = open(log, encoding="utf-8", errors="replace").read()
        if "No matching distribution found" in text or "Could not find a version" in text:
            pytest.skip("pre-commit could not pip-install the hook environment (no PyPI and no wheel cache)")
    return result


def test_hooks_check_then_fix_in_a_temporary_repository(hooks_repo, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", ".", cwd=project)
    write(project, "model.py", BUGGY)
    write(project, "legacy/old.py", BUGGY)  # excluded: --force-exclude must skip it though pre-commit names it
    write(project, "pyproject.toml", '[tool.keras-lint]\nextend-exclude = ["legacy"]\n')
    git("add", "-A", cwd=project)
    home = tmp_path / "pre-commit-home"

    check = try_repo(hooks_repo, "keras-lint", project, home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "keras-lint...." in check.stdout and "Failed" in check.stdout
    assert "model.py:2:43: KRS101" in check.stdout
    assert "legacy/old.py" not in check.stdout

    fix = try_repo(hooks_repo, "keras-lint-fix", project, home)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # it changed a file: pre-commit fails the hook
    assert "files were modified by this hook" in fix.stdout
    assert (project / "model.py").read_text() == BUGGY.replace("(12)", "(12,)")
    assert (project / "legacy" / "old.py").read_text() == BUGGY

    git("add", "-A", cwd=project)
    again = try_repo(hooks_repo, "keras-lint", project, home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
