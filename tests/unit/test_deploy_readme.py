"""deploy/README.md stays true: its topic table is the registry, its commands parse."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from hub.cli.main import cli
from hub.topics import DAY_MS, FOREVER, TopicSpec, declared_topics

README = Path(__file__).resolve().parents[2] / "deploy/README.md"
# "onewindow" where a shell runs it: first on the line (after VAR=value assignments), after
# "kubectl exec ... --" or "docker compose exec SERVICE"; not "-n onewindow" or "-U onewindow".
_COMMAND = re.compile(r"(?:^\s*(?:\w+=\S+\s+)*|--\s|exec\s[\w-]+\s)onewindow ([^#|>\n]+)")


def readme() -> str:
    return README.read_text(encoding="utf-8")


def table_row(spec: TopicSpec) -> str:
    if spec.compacted:
        retention = "compacted"
    elif spec.retention_ms == FOREVER:
        retention = "forever"
    else:
        retention = f"{spec.retention_ms // DAY_MS} days"
    cells = [f"`{spec.name}`", spec.key, spec.partitions, spec.replication_factor]
    cells += [spec.config()["min.insync.replicas"], spec.cleanup_policy, retention]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def test_topic_table_is_the_registry() -> None:
    rows = [line for line in readme().splitlines() if line.startswith("| `onewindow.")]
    assert rows == [table_row(spec) for spec in declared_topics()]


def code_lines() -> list[str]:
    return [line for line in readme().splitlines() if line.startswith("    ")]


def test_every_onewindow_command_in_the_guide_is_accepted_by_the_cli() -> None:
    commands = [match for line in code_lines() for match in _COMMAND.findall(line)]
    assert len(commands) >= 10
    for command in commands:
        arguments = shlex.split(command.rstrip("\\ "))
        result = CliRunner().invoke(cli, [*arguments, "--help"])
        assert result.exit_code == 0, f"onewindow {command}: {result.output}"
