"""`[tool.keras-lint]` in pyproject.toml: where it is found, what it may say, and the settings it
makes.

Each file gets the settings of the nearest `pyproject.toml` with a `[tool.keras-lint]` table in
its folder or above (a pyproject.toml without the table is passed over, as ruff does); without
one, the defaults. The CLI, the flake8 plugin and the language server all go through
`ConfigResolver`, so a file is checked the same way everywhere. Options given on the command
line are applied on top of every discovered configuration.

Only the standard library is imported here: the flake8 plugin loads this module for every run.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace

from keras_lint.settings import TARGET_VERSIONS, Settings

TABLE = "keras-lint"
OUTPUT_FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")
_SELECTOR = re.compile(r"^(?:KRS\d{0,3}|ALL)$")


class ConfigError(Exception):
    """An invalid configuration: the message says where and what is allowed."""


# key -> (Settings field, kind, description). The kinds are checked by `_convert`.
KEYS: dict[str, tuple[str | None, str, str]] = {
    "select": ("select", "codes", "rule codes or prefixes to check (default: [\"KRS\"])"),
    "extend-select": ("extend_select", "codes", "codes or prefixes to check in addition to `select`"),
    "ignore": ("ignore", "codes", "codes or prefixes not to check"),
    "extend-ignore": ("extend_ignore", "codes", "more codes or prefixes not to check"),
    "per-file-ignores": ("per_file_ignores", "per-file", "glob pattern -> codes not to check in matching files"),
    "exclude": ("exclude", "globs", "files and folders not to check (glob patterns, relative to this file)"),
    "extend-exclude": ("extend_exclude", "globs", "more files and folders not to check"),
    "target-keras": ("target_keras", "target", "the Keras the code must run on: \"3\" (default) or \"2\""),
    "unsafe-fixes": ("unsafe_fixes", "bool", "apply unsafe fixes too (default: false)"),
    "extend-safe-fixes": ("extend_safe_fixes", "codes", "codes whose unsafe fixes are treated as safe"),
    "extend-unsafe-fixes": ("extend_unsafe_fixes", "codes", "codes whose safe fixes are treated as unsafe"),
    "respect-gitignore": ("respect_gitignore", "bool", "skip files that .gitignore ignores (default: true)"),
    "force-exclude": ("force_exclude", "bool", "apply exclude to paths named on the command line too (default: false)"),
    "output-format": (None, "format", f"the default output format: {', '.join(OUTPUT_FORMATS)}"),
    "cache-dir": (None, "str", "where the result cache lives (default: .keras_lint_cache next to this file)"),
    "options": ("rule_options", "options", "per-rule options: [tool.keras-lint.options.KRS102]"),
}


@dataclass(frozen=True)
class Configuration:
    """One `[tool.keras-lint]` table, validated: the per-file settings, plus the options that
    concern the whole run (taken from the configuration of the working directory)."""

    settings: Settings
    output_format: str | None = None
    cache_dir: str | None = None
    path: str | None = None  # the pyproject.toml, None for the defaults


def find_config_file(start: str) -> str | None:
    """The nearest pyproject.toml with a `[tool.keras-lint]` table, from `start` (a folder)
    upward."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate) and _mentions_table(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


_WRONG_TABLES = ("keras_lint", "keraslint", "keras-linter")


def _mentions_table(path: str) -> bool:
    """Whether a pyproject.toml configures keras-lint (or tries to, under a wrong name)."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    if not any(name.encode() in data for name in (TABLE, *_WRONG_TABLES)):
        return False  # the common case, without parsing: a project that does not use us
    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return f"[tool.{TABLE}".encode() in data  # let loading report the error
    return isinstance(tool, dict) and any(name in tool for name in (TABLE, *_WRONG_TABLES))


def load_config_file(path: str) -> Configuration:
    import tomllib

    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    table = tool.get(TABLE)
    if table is None:
        for wrong in _WRONG_TABLES:
            if wrong in tool:
                raise ConfigError(f"{path}: found [tool.{wrong}]; the table is called [tool.{TABLE}]")
        return Configuration(Settings(), path=None)
    return configuration_from_table(table, source=path)


def configuration_from_table(table: object, source: str = "<settings>") -> Configuration:
    """Validate a `[tool.keras-lint]` table (also what the rules' examples use for `settings=`)."""
    where = f"{source}: [tool.{TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    changes: dict = {}
    output_format = cache_dir = None
    for key, value in table.items():
        spec = KEYS.get(key)
        if spec is None:
            suggestion = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean `{suggestion[0]}`?" if suggestion else f"; valid keys: {', '.join(KEYS)}"
            raise ConfigError(f"{where}: unknown key `{key}`{hint}")
        attribute, kind, _ = spec
        converted = _convert(kind, value, f"{where} `{key}`")
        if key == "output-format":
            output_format = converted
        elif key == "cache-dir":
            base = os.path.dirname(os.path.abspath(source)) if os.path.isfile(source) else os.getcwd()
            cache_dir = os.path.normpath(os.path.join(base, os.path.expanduser(converted)))
        else:
            changes[attribute] = converted
    root = os.path.dirname(os.path.abspath(source)) if os.path.isfile(source) else ""
    settings = replace(Settings(), source=source, root=root, **changes)
    return Configuration(settings, output_format=output_format, cache_dir=cache_dir, path=source if root else None)


def _convert(kind: str, value: object, where: str):
    if kind == "codes":
        return _codes(value, where)
    if kind == "globs":
        return _strings(value, where)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where} must be a non-empty string, not {value!r}")
        return value
    if kind == "target":
        text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text not in TARGET_VERSIONS:
            raise ConfigError(f"{where} must be one of {', '.join(repr(v) for v in TARGET_VERSIONS)}, not {value!r}")
        return text
    if kind == "format":
        if value not in OUTPUT_FORMATS:
            raise ConfigError(f"{where} must be one of {', '.join(OUTPUT_FORMATS)}, not {value!r}")
        return value
    if kind == "per-file":
        if not isinstance(value, dict):
            raise ConfigError(f'{where} must be a table of glob pattern -> codes, e.g. {{"tests/*" = ["KRS101"]}}')
        return tuple((str(pattern), _codes(codes, f"{where} {pattern!r}")) for pattern, codes in value.items())
    if kind == "options":
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise ConfigError(f"{where} must hold one table per rule, e.g. [tool.{TABLE}.options.KRS102]")
        return {str(rule): dict(options) for rule, options in value.items()}
    raise AssertionError(kind)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, not {value!r}")
    return tuple(value)


def _codes(value: object, where: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _strings(value, where))
    for code in codes:
        if not _SELECTOR.match(code):
            raise ConfigError(f"{where}: {code!r} is not a keras-lint code or prefix (KRS, KRS1, KRS101, or ALL)")
    return codes


# -- checks that need the rules (run once per configuration, and only when rules are loaded) ----


def check_against_rules(settings: Settings) -> None:
    """Selectors must name at least one rule; rule options must be options the rule has, of the
    right type. Raises ConfigError. Imports the rules (and LibCST)."""
    from keras_lint.rules import all_rules, get_rule

    codes = [rule.code for rule in all_rules()]
    where = f"{settings.source}: [tool.{TABLE}]"
    named = [
        ("select", settings.select), ("extend-select", settings.extend_select), ("ignore", settings.ignore),
        ("extend-ignore", settings.extend_ignore), ("extend-safe-fixes", settings.extend_safe_fixes),
        ("extend-unsafe-fixes", settings.extend_unsafe_fixes),
        *((f"per-file-ignores {pattern!r}", selectors) for pattern, selectors in settings.per_file_ignores),
    ]
    for key, selectors in named:
        for selector in selectors:
            if selector != "ALL" and not any(code.startswith(selector) for code in codes):
                close = difflib.get_close_matches(selector, codes, n=1)
                hint = f"; did you mean {close[0]}?" if close else "; `keras-lint rule --all` lists the rules"
                raise ConfigError(f"{where} `{key}`: {selector} matches no rule{hint}")
    by_name = {rule.name: rule for rule in all_rules()}
    for key, values in settings.rule_options.items():
        rule = get_rule(key) or by_name.get(key)
        if rule is None:
            raise ConfigError(f"{where} options: {key!r} is not a rule code or name")
        declared = {option.name: option for option in rule.options}
        if not declared:
            raise ConfigError(f"{where} options.{key}: {rule.code} ({rule.name}) has no options")
        for name, value in values.items():
            option = declared.get(name)
            if option is None:
                raise ConfigError(f"{where} options.{key}: {rule.code} has no option `{name}`; it has: {', '.join(declared)}")
            _check_option_type(option, value, f"{where} options.{key}.{name}")


def _check_option_type(option, value: object, where: str) -> None:
    default = option.default
    if isinstance(default, bool):
        ok, wanted = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif isinstance(default, (list, tuple)):
        ok, wanted = isinstance(value, list) and all(isinstance(v, str) for v in value), "a list of strings"
    else:
        ok, wanted = isinstance(value, str), "a string"
    if not ok:
        raise ConfigError(f"{where} must be {wanted}, not {value!r}")


def normalise_rule_options(settings: Settings) -> Settings:
    """Key rule options by code (they may be written by rule name) with tuples for lists."""
    from keras_lint.rules import all_rules, get_rule

    if not settings.rule_options:
        return settings
    by_name = {rule.name: rule for rule in all_rules()}
    options: dict = {}
    for key, values in settings.rule_options.items():
        rule = get_rule(key) or by_name[key]
        options.setdefault(rule.code, {}).update({k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})
    return replace(settings, rule_options=options)


# -- command-line overrides and the resolver -------------------------------------------------------


@dataclass(frozen=True)
class Overrides:
    """What the command line says, applied on top of every configuration file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] | None = None
    extend_ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    target_keras: str | None = None
    unsafe_fixes: bool | None = None
    respect_gitignore: bool | None = None
    force_exclude: bool | None = None

    def apply(self, settings: Settings) -> Settings:
        changes: dict = {}
        for name in ("select", "ignore", "exclude", "target_keras", "unsafe_fixes", "respect_gitignore", "force_exclude"):
            value = getattr(self, name)
            if value is not None:
                changes[name] = value
        for name in ("extend_select", "extend_ignore", "extend_exclude", "per_file_ignores"):
            value = getattr(self, name)
            if value:
                changes[name] = getattr(settings, name) + value
        return replace(settings, **changes) if changes else settings


@dataclass
class ConfigResolver:
    """Settings for any path, from the nearest configuration, with the overrides applied.

    `config_file` forces one configuration for every file (`--config`); `isolated` ignores all
    configuration files (`--isolated`)."""

    overrides: Overrides = field(default_factory=Overrides)
    config_file: str | None = None
    isolated: bool = False
    _by_folder: dict = field(default_factory=dict)
    _by_file: dict = field(default_factory=dict)

    def configuration_for_folder(self, folder: str) -> Configuration:
        folder = os.path.abspath(folder)
        cached = self._by_folder.get(folder)
        if cached is None:
            path = None if self.isolated else (self.config_file or find_config_file(folder))
            cached = self._load(path)
            self._by_folder[folder] = cached
        return cached

    def _load(self, path: str | None) -> Configuration:
        if path is None:
            configuration = Configuration(Settings())
        else:
            path = os.path.abspath(path)
            configuration = self._by_file.get(path)
            if configuration is None:
                if not os.path.isfile(path):
                    raise ConfigError(f"{path}: no such file")
                configuration = load_config_file(path)
                self._by_file[path] = configuration
        return replace(configuration, settings=self.overrides.apply(configuration.settings))

    def settings_for(self, path: str) -> Settings:
        """Settings for a file (or `-`/stdin under a display name)."""
        folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        return self.configuration_for_folder(folder).settings

    def run_configuration(self) -> Configuration:
        """The configuration of the working directory: run-wide options come from it."""
        return self.configuration_for_folder(os.getcwd())

    def all_settings(self) -> list[Settings]:
        seen: dict[str, Settings] = {}
        for configuration in self._by_folder.values():
            seen.setdefault(configuration.settings.fingerprint() + configuration.settings.source, configuration.settings)
        return list(seen.values())


def describe(settings: Settings, configuration: Configuration | None = None) -> str:
    """`--show-settings`: the effective settings, as TOML a user could paste."""
    from keras_lint.rules import all_rules

    lines = [f"# Settings from: {settings.source}", f"[tool.{TABLE}]"]

    def toml_list(values) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    lines.append(f"select = {toml_list(settings.select)}")
    for key, attribute in (("extend-select", "extend_select"), ("ignore", "ignore"), ("extend-ignore", "extend_ignore"),
                           ("exclude", "exclude"), ("extend-exclude", "extend_exclude"),
                           ("extend-safe-fixes", "extend_safe_fixes"), ("extend-unsafe-fixes", "extend_unsafe_fixes")):
        lines.append(f"{key} = {toml_list(getattr(settings, attribute))}")
    lines.append(f'target-keras = "{settings.target_keras}"')
    for key, attribute in (("unsafe-fixes", "unsafe_fixes"), ("respect-gitignore", "respect_gitignore"), ("force-exclude", "force_exclude")):
        lines.append(f"{key} = {'true' if getattr(settings, attribute) else 'false'}")
    if configuration is not None:
        if configuration.output_format:
            lines.append(f'output-format = "{configuration.output_format}"')
        if configuration.cache_dir:
            lines.append(f'cache-dir = "{configuration.cache_dir}"')
    lines.append("")
    lines.append(f"[tool.{TABLE}.per-file-ignores]")
    for pattern, codes in settings.per_file_ignores:
        lines.append(f'"{pattern}" = {toml_list(codes)}')
    for code, options in sorted(settings.rule_options.items()):
        lines.append("")
        lines.append(f"[tool.{TABLE}.options.{code}]")
        for name, value in options.items():
            rendered = toml_list(value) if isinstance(value, (list, tuple)) else ("true" if value is True else "false" if value is False else repr(value).replace("'", '"'))
            lines.append(f"{name} = {rendered}")
    lines.append("")
    enabled = [rule for rule in all_rules() if settings.is_enabled(rule)]
    lines.append(f"# Enabled rules ({len(enabled)}):")
    for rule in enabled:
        lines.append(f"#   {rule.code} {rule.name} ({rule.severity})")
    disabled = [rule for rule in all_rules() if not settings.is_enabled(rule)]
    if disabled:
        lines.append(f"# Not enabled ({len(disabled)}):")
        for rule in disabled:
            why = "off by default; select it by code" if not rule.default_enabled else "not selected, or ignored"
            if settings.target_keras == "2" and rule.min_target == "3":
                why = 'not reported with target-keras = "2"'
            lines.append(f"#   {rule.code} {rule.name} ({why})")
    return "\n".join(lines) + "\n"
