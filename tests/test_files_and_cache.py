"""Which files a run looks at (.gitignore as git reads it, exclude, --force-exclude), the result
cache, and linting in worker processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from cli_helpers import run_cli, write
from conftest import ROOT

from keras_lint.cache import CACHEDIR_TAG, ResultCache
from keras_lint.commands.common import Input
from keras_lint.config import ConfigResolver, Overrides
from keras_lint.files import discover_files
from keras_lint.gitignore import GitIgnore
from keras_lint.runner import check_inputs

sys.path.insert(0, os.path.join(ROOT, "scripts"))
from benchmark_cache import generate_repository  # noqa: E402

INT_SHAPE = "import keras\nlayer = keras.layers.Dense(4, input_shape=(12))\n"

GITIGNORE_PATTERNS = """\
# a comment
*.log
/build/
docs/_*
**/generated
cache/**
!cache/keep/
a/**/z.py
[Tt]emp*.py
!temp_keep.py
\\#hash.py
trailing.py\\ 
name?.py
dir_only/
"""
PATHS = [
    "x.log", "src/x.log", "build/a.py", "src/build/a.py", "docs/_b.py", "docs/sub/_b.py", "generated/a.py",
    "src/deep/generated/a.py", "cache/a.py", "cache/keep/b.py", "a/z.py", "a/b/c/z.py", "b/a/z.py", "Temp1.py",
    "temp2.py", "temp_keep.py", "#hash.py", "trailing.py ", "trailing.py", "name1.py", "name12.py", "dir_only/x.py",
    "src/dir_only/x.py", "dir_only", "ok.py", "src/ok.py", "sub/.gitignore_target.py",
]
SUB_GITIGNORE = "*.py\n!keep*.py\n"
SUB_PATHS = ["sub/a.py", "sub/keep1.py", "sub/deeper/b.py", "sub/deeper/keep2.py"]


@pytest.fixture
def git_repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def test_gitignore_matches_git_check_ignore(git_repo):
    write(git_repo, ".gitignore", GITIGNORE_PATTERNS)
    write(git_repo, "sub/.gitignore", SUB_GITIGNORE)
    write(git_repo, ".git/info/exclude", "from_info_exclude.py\n")
    paths = [*PATHS, *SUB_PATHS, "from_info_exclude.py"]
    directories = {"dir_only", "build"}
    for path in paths:
        if path in directories:
            os.makedirs(git_repo / path, exist_ok=True)
        else:
            write(git_repo, path, "")
    result = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=git_repo, input="\n".join(paths), capture_output=True, text=True)
    by_git = set(result.stdout.splitlines())
    ignore = GitIgnore()

    def ignored(path: str) -> bool:
        # As the walk sees it: a path is skipped when it, or a folder above it, is ignored.
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = os.path.join(str(git_repo), *parts[:depth])
            if ignore.ignored(prefix, os.path.isdir(prefix), str(git_repo)):
                return True
        return False

    ours = {path for path in paths if ignored(path)}
    # git check-ignore reports a path under an ignored folder only when a pattern names the path
    # itself; the walk never enters the folder, which is what git status shows too.
    by_git_walk = {path for path in paths if any(p in by_git for p in ["/".join(path.split("/")[:d]) for d in range(1, path.count("/") + 2)])}
    assert len(by_git_walk) > 15
    assert ours == by_git_walk
    assert {"x.log", "build/a.py", "cache/a.py", "sub/a.py", "from_info_exclude.py"} <= ours
    assert not {"temp_keep.py", "ok.py", "sub/keep1.py", "name12.py"} & ours


def test_discovery_honours_gitignore_exclude_and_force_exclude(git_repo):
    write(git_repo, ".gitignore", "generated/\n")
    write(git_repo, "pyproject.toml", '[tool.keras-lint]\nextend-exclude = ["legacy", "*_pb2.py"]\n')
    for path in ("src/model.py", "generated/model.py", "legacy/old.py", "src/api_pb2.py", ".venv/lib/x.py", "src/notes.txt"):
        write(git_repo, path, INT_SHAPE)
    resolver = ConfigResolver()
    found = [os.path.relpath(p, git_repo) for p in discover_files([str(git_repo)], resolver)]
    assert found == ["src/model.py"]
    # Named explicitly, a file is checked, unless --force-exclude (as pre-commit runs us).
    explicit = [str(git_repo / "legacy" / "old.py"), str(git_repo / "src" / "api_pb2.py"), str(git_repo / "src" / "model.py")]
    assert len(discover_files(explicit, resolver)) == 3
    forced = ConfigResolver(Overrides(force_exclude=True))
    assert [os.path.relpath(p, git_repo) for p in discover_files(explicit, forced)] == ["src/model.py"]
    assert discover_files([str(git_repo / "generated")], ConfigResolver(Overrides(respect_gitignore=False))) != []
    run = run_cli(["check", "--show-files"], cwd=str(git_repo))
    assert run.out.split() == ["src/model.py"]
    # pre-commit passes explicit paths; with --force-exclude an excluded file reports nothing.
    run = run_cli(["check", "--no-cache", "--force-exclude", "legacy/old.py", "src/api_pb2.py"], cwd=str(git_repo))
    assert run.code == 0, run.out
    assert run_cli(["check", "--no-cache", "legacy/old.py"], cwd=str(git_repo)).code == 1


def test_cache_layout_hits_and_invalidation(tmp_path):
    path = write(tmp_path, "model.py", INT_SHAPE)
    first = run_cli(["check", "--format", "json", "model.py"], cwd=str(tmp_path))
    cache_dir = tmp_path / ".keras_lint_cache"
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache_dir / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert CACHEDIR_TAG.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    from keras_lint import __version__

    assert (cache_dir / __version__ / "results.json").is_file()
    assert run_cli(["check", "--format", "json", "model.py"], cwd=str(tmp_path)).out == first.out

    def cached(resolver: ConfigResolver) -> bool:
        with open(path, "rb") as handle:
            item = Input("model.py", path, handle.read())
        return check_inputs([item], resolver, cache=ResultCache(str(cache_dir)))[0].cached

    assert cached(ConfigResolver())
    assert not cached(ConfigResolver(Overrides(target_keras="2")))  # other settings, other entry
    with open(path, "a") as handle:
        handle.write("other = keras.layers.Dense(2)\n")
    assert not cached(ConfigResolver())  # other content
    assert cached(ConfigResolver())  # ... which is now cached


def test_no_cache_writes_nothing(tmp_path):
    write(tmp_path, "model.py", INT_SHAPE)
    run_cli(["check", "--no-cache", "model.py"], cwd=str(tmp_path))
    assert not (tmp_path / ".keras_lint_cache").exists()
    run_cli(["check", "--cache-dir", "elsewhere", "model.py"], cwd=str(tmp_path))
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").exists()


def test_cache_dir_sits_next_to_the_configuration(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.keras-lint]\n")
    write(tmp_path, "src/model.py", INT_SHAPE)
    run_cli(["check", "model.py"], cwd=str(tmp_path / "src"))
    assert (tmp_path / ".keras_lint_cache").is_dir() and not (tmp_path / "src" / ".keras_lint_cache").exists()


def test_workers_give_the_same_answer_and_fix_in_parallel(tmp_path):
    generate_repository(str(tmp_path / "repo"), 16)  # 13 files with Keras: enough to fork workers
    serial = run_cli(["check", "--no-cache", "--format", "json", "--jobs", "1", "repo"], cwd=str(tmp_path))
    parallel = run_cli(["check", "--no-cache", "--format", "json", "--jobs", "2", "repo"], cwd=str(tmp_path))
    assert serial.code == parallel.code == 1
    assert json.loads(serial.out) == json.loads(parallel.out) != []
    fixed = run_cli(["fix", "--no-cache", "--jobs", "2", "repo"], cwd=str(tmp_path))
    assert fixed.code in (0, 1), fixed.err
    after = json.loads(run_cli(["check", "--no-cache", "--format", "json", "--jobs", "1", "repo"], cwd=str(tmp_path)).out)
    assert all(item["fix"] is None or item["fix"]["applicability"] != "safe" for item in after)


def test_cached_run_is_at_least_ten_times_faster(tmp_path):
    """The benchmark (scripts/benchmark_cache.py, a few thousand files, whole processes) in
    small: 60 generated files, both runs in this process so that start-up noise on a shared
    machine does not decide the outcome."""
    generate_repository(str(tmp_path / "repo"), 60)
    generate_repository(str(tmp_path / "warm"), 2)
    run_cli(["check", "--no-cache", "warm"], cwd=str(tmp_path))  # imports and knowledge loaded
    start = time.perf_counter()
    first = run_cli(["check", "--jobs", "1", "repo"], cwd=str(tmp_path))
    cold = time.perf_counter() - start
    start = time.perf_counter()
    second = run_cli(["check", "--jobs", "1", "repo"], cwd=str(tmp_path))
    warm = time.perf_counter() - start
    assert first.out == second.out and first.code == second.code == 1
    assert cold / warm >= 10, f"cold {cold:.2f}s, cached {warm:.2f}s"


def _worker_pid(_job) -> int:
    return os.getpid()


def test_run_jobs_uses_worker_processes_and_stays_serial_for_few_files():
    from keras_lint.runner import run_jobs

    many = run_jobs(_worker_pid, list(range(16)), 2)
    assert len(many) == 16 and os.getpid() not in many and len(set(many)) >= 1
    assert set(run_jobs(_worker_pid, list(range(3)), 2)) == {os.getpid()}  # not worth a worker
    assert set(run_jobs(_worker_pid, list(range(16)), 1)) == {os.getpid()}
