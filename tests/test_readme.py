"""The README and `--help` say the same thing (issue 16): every option of every command is in
the README's command list, and its prefix table is the one the graph is written with."""

from __future__ import annotations

import re

import click

from kg import resources
from kg.cli import main
from kg.rdf.namespaces import PREFIXES

README = (resources.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _commands_block() -> str:
    start = README.index("## Commands")
    return README[start:README.index("\n## ", start + 1)]


def _options(command: click.Command) -> list[str]:
    names = []
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            names += [o for o in param.opts if o.startswith("--")]
    return names


def test_every_option_of_every_command_is_in_the_readme():
    block = _commands_block()
    missing = []
    for name, command in main.commands.items():
        assert f"kg {name}" in block, name
        if isinstance(command, click.Group):
            continue
        # said once for all commands under the list (or in Stores)
        shared = {"--store", "--query-url", "--update-url", "--gsp-url", "--trial", "--pubmed",
                  "--help", "--format"}
        missing += [f"kg {name} {o}" for o in _options(command)
                    if o not in shared and not re.search(rf"{re.escape(o)}\b", block)]
    assert missing == []


def test_the_readme_prefix_table_is_the_graphs():
    table = dict(re.findall(r"^\| `(\w+):` \| `([^`]+)` \|$", README, re.M))
    assert table == {prefix: str(ns) for prefix, ns in PREFIXES.items()}
