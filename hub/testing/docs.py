"""Keeping documentation true: every ``onewindow`` command a guide shows must parse.

Guides show commands in code blocks (fenced or indented); a test hands the text to
:func:`documented_commands` and checks each with ``--help`` through the real CLI::

    for arguments in documented_commands(Path("README.md").read_text()):
        assert CliRunner().invoke(cli, [*arguments, "--help"]).exit_code == 0
"""

from __future__ import annotations

import re
import shlex

# "onewindow" where a shell runs it: first on the line (after VAR=value assignments), after
# "kubectl exec ... --" or "docker compose exec SERVICE"; not "-n onewindow" or "-U onewindow".
_COMMAND = re.compile(r"(?:^\s*(?:\w+=\S+\s+)*|--\s|exec\s(?!-)[\w-]+\s)onewindow ([^#|>\n]+)")
_FENCE = "```"


def documented_commands(markdown: str) -> list[list[str]]:
    """The arguments of every ``onewindow`` command in the text's code blocks."""
    commands = []
    for line in _code_lines(markdown):
        for match in _COMMAND.findall(line):
            commands.append(shlex.split(match.rstrip("\\ ")))
    return commands


def _code_lines(markdown: str) -> list[str]:
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(_FENCE):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            lines.append(line)
    return lines
