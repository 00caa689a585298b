"""Run the CLI as `python -m tungsten_cli`."""

from tungsten_cli.entry import main

main()
