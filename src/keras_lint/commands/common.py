"""What every command shares: argument parsing helpers, settings from arguments, inputs."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from keras_lint.settings import TARGET_VERSIONS, Settings

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(Exception):
    """A mistake in how keras-lint was called or configured: exit 2 with the message."""


def codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def add_lint_arguments(sub: argparse.ArgumentParser) -> None:
    """The options of the commands that lint files (check, fix, ...)."""
    from keras_lint.config import OUTPUT_FORMATS

    sub.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-' reads standard input); default: .")
    rules = sub.add_argument_group("rule selection (on top of [tool.keras-lint] in pyproject.toml)")
    rules.add_argument("--select", type=codes, help="comma-separated codes or prefixes to check (default: KRS)")
    rules.add_argument("--extend-select", type=codes, help="codes or prefixes to check in addition")
    rules.add_argument("--ignore", type=codes, help="codes or prefixes not to check")
    rules.add_argument("--extend-ignore", type=codes, help="more codes or prefixes not to check")
    rules.add_argument("--per-file-ignores", action="append", metavar="GLOB:CODES", type=_per_file_ignore,
                       help="codes not to check in files matching GLOB (repeatable), e.g. 'tests/*:KRS101'")
    rules.add_argument("--target-keras", choices=TARGET_VERSIONS, help="the Keras the code must run on (default: 3)")
    rules.add_argument("--ignore-noqa", action="store_true", help="report findings even where a `# noqa` comment silences them")
    config = sub.add_argument_group("configuration and files")
    config.add_argument("--config", metavar="PYPROJECT", help="use this pyproject.toml for every file instead of discovering one")
    config.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    config.add_argument("--show-settings", action="store_true", help="print the effective settings (for the first PATH) and exit")
    config.add_argument("--show-files", action="store_true", help="print the files that would be checked and exit")
    config.add_argument("--exclude", type=_globs, help="comma-separated glob patterns of files and folders not to check")
    config.add_argument("--extend-exclude", type=_globs, help="more glob patterns not to check")
    config.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                        help="apply exclude patterns to files named on the command line too (pre-commit passes them)")
    config.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                        help="skip files that .gitignore ignores (default: yes)")
    config.add_argument("--stdin-filename", help="the name to report for code read from standard input (its settings apply)")
    run = sub.add_argument_group("output and run")
    run.add_argument("--format", "--output-format", dest="format", choices=OUTPUT_FORMATS, default=None,
                     help="output format (default: concise, or output-format in the configuration)")
    run.add_argument("-o", "--output-file", help="write the report to this file instead of standard output")
    run.add_argument("--statistics", action="store_true", help="print how many findings each rule has instead of the findings")
    run.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    run.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    run.add_argument("--cache-dir", help="where the result cache lives (default: .keras_lint_cache)")
    run.add_argument("-j", "--jobs", type=_positive, default=None, help="worker processes (default: one per CPU)")


def add_unsafe_fixes_argument(sub: argparse.ArgumentParser, help_text: str) -> None:
    sub.add_argument("--unsafe-fixes", action=argparse.BooleanOptionalAction, default=None, help=help_text)


def _per_file_ignore(value: str) -> tuple[str, tuple[str, ...]]:
    pattern, separator, listed = value.rpartition(":")
    if not separator or not pattern or not listed:
        raise argparse.ArgumentTypeError(f"expected GLOB:CODES, e.g. 'tests/*:KRS101', not {value!r}")
    return pattern, codes(listed)


def _globs(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("expected at least 1")
    return number


def resolver_from(args: argparse.Namespace):
    """The configuration resolver of this run (made once per parsed command line)."""
    resolver = getattr(args, "_resolver", None)
    if resolver is None:
        from keras_lint.config import ConfigResolver, Overrides

        overrides = Overrides(
            select=getattr(args, "select", None),
            extend_select=getattr(args, "extend_select", None) or (),
            ignore=getattr(args, "ignore", None),
            extend_ignore=getattr(args, "extend_ignore", None) or (),
            exclude=getattr(args, "exclude", None),
            extend_exclude=getattr(args, "extend_exclude", None) or (),
            per_file_ignores=tuple(getattr(args, "per_file_ignores", None) or ()),
            target_keras=getattr(args, "target_keras", None),
            unsafe_fixes=getattr(args, "unsafe_fixes", None),
            respect_gitignore=getattr(args, "respect_gitignore", None),
            force_exclude=getattr(args, "force_exclude", None),
        )
        config_file = getattr(args, "config", None)
        if config_file is not None and not os.path.isfile(config_file):
            raise UsageError(f"--config {config_file}: no such file")
        resolver = ConfigResolver(overrides, config_file=config_file, isolated=getattr(args, "isolated", False))
        args._resolver = resolver
    return resolver


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings of the working directory (or of --stdin-filename), with the command line's
    options applied. Each file may have its own: `runner.settings_for_input`."""
    resolver = resolver_from(args)
    stdin_filename = getattr(args, "stdin_filename", None)
    return resolver.settings_for(stdin_filename) if stdin_filename else resolver.settings_for(os.getcwd())


@dataclass
class Input:
    filename: str  # what to report
    path: str | None  # where to write back (None for stdin)
    data: bytes
    settings: Settings | None = None  # None: those of the file's configuration


def input_paths(args: argparse.Namespace) -> list[str]:
    """The files a run looks at (discovery, excludes, .gitignore, --force-exclude)."""
    from keras_lint.files import discover_files

    paths = args.paths or ["."]
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    return discover_files(paths, resolver_from(args))


def read_inputs(args: argparse.Namespace) -> list[Input]:
    from keras_lint.files import display_path

    paths = args.paths or ["."]
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        stdin_filename = getattr(args, "stdin_filename", None)
        data = sys.stdin.buffer.read()
        if stdin_filename and resolver_from(args).settings_for(stdin_filename).force_exclude:
            from keras_lint.files import discover_files

            if not discover_files([stdin_filename], resolver_from(args), force_exclude=True):
                # An excluded file named by an editor: no rule applies (fix echoes it unchanged).
                return [Input(stdin_filename, None, data, settings=Settings(select=()))]
        return [Input(stdin_filename or "-", None, data)]
    inputs: list[Input] = []
    for path in input_paths(args):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
        inputs.append(Input(display_path(path), path, data))
    return inputs


def cache_from(args: argparse.Namespace):
    """The result cache of this run, or None (--no-cache, KERAS_LINT_NO_CACHE=1)."""
    if getattr(args, "no_cache", False) or os.environ.get("KERAS_LINT_NO_CACHE", "") not in ("", "0"):
        return None
    from keras_lint.cache import CACHE_DIR_NAME, ResultCache

    directory = getattr(args, "cache_dir", None) or os.environ.get("KERAS_LINT_CACHE_DIR")
    if not directory:
        configuration = resolver_from(args).run_configuration()
        if configuration.cache_dir:
            directory = configuration.cache_dir
        else:
            base = os.path.dirname(configuration.path) if configuration.path else os.getcwd()
            directory = os.path.join(base, CACHE_DIR_NAME)
    return ResultCache(directory)


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    from keras_lint.config import OUTPUT_FORMATS

    environment = os.environ.get("KERAS_LINT_OUTPUT_FORMAT")
    if environment:
        if environment not in OUTPUT_FORMATS:
            raise UsageError(f"KERAS_LINT_OUTPUT_FORMAT={environment}: expected one of {', '.join(OUTPUT_FORMATS)}")
        return environment
    return resolver_from(args).run_configuration().output_format or "concise"


def jobs_from(args: argparse.Namespace) -> int:
    from keras_lint.runner import default_jobs

    return getattr(args, "jobs", None) or default_jobs()


def report_root() -> str:
    """What paths in SARIF, GitHub and GitLab reports are relative to: the repository root."""
    from keras_lint.gitignore import repository_root

    return repository_root(os.getcwd()) or os.getcwd()


class OutputStream:
    """Standard output (or `fallback`), or the --output-file."""

    def __init__(self, path: str | None, fallback=None):
        self.path = path
        self.fallback = fallback
        self._handle = None

    def __enter__(self):
        if self.path is None:
            stream = self.fallback or sys.stdout
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="backslashreplace")  # a non-UTF-8 terminal must not crash a run
            return stream
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self._handle = open(self.path, "w", encoding="utf-8", newline="\n")
        return self._handle

    def __exit__(self, *exc_info):
        if self._handle is not None:
            self._handle.close()
        return False


def show_settings(args: argparse.Namespace) -> int:
    from keras_lint.config import check_against_rules, describe, normalise_rule_options

    resolver = resolver_from(args)
    target = (args.paths or ["."])[0]
    if target == "-":
        target = getattr(args, "stdin_filename", None) or os.getcwd()
    folder = target if os.path.isdir(target) else os.path.dirname(os.path.abspath(target))
    configuration = resolver.configuration_for_folder(folder)
    check_against_rules(configuration.settings)
    sys.stdout.write(describe(normalise_rule_options(configuration.settings), resolver.run_configuration()))
    return EXIT_CLEAN


def show_files(args: argparse.Namespace) -> int:
    from keras_lint.files import display_path

    for path in input_paths(args):
        print(display_path(path))
    return EXIT_CLEAN
