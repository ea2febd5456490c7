"""The subcommands of `keras-lint`, one module each. Each module has `add_parser(commands)`,
which registers its parser with `set_defaults(run=...)`."""

# The order here is the order of `keras-lint --help`.
COMMAND_MODULES = ("check", "fix", "verify", "shapes", "rule", "lsp")
