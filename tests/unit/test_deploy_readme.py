"""deploy/README.md stays true: its topic table is the registry, its commands parse."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hub.cli.main import cli
from hub.testing.docs import documented_commands
from hub.topics import DAY_MS, FOREVER, TopicSpec, declared_topics

README = Path(__file__).resolve().parents[2] / "deploy/README.md"


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


def test_every_onewindow_command_in_the_guide_is_accepted_by_the_cli() -> None:
    commands = documented_commands(readme())
    assert len(commands) >= 10
    for arguments in commands:
        result = CliRunner().invoke(cli, [*arguments, "--help"])
        assert result.exit_code == 0, f"onewindow {' '.join(arguments)}: {result.output}"
