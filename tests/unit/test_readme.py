"""README.md stays true: its commands parse and its example events are valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli.main import cli
from hub.events import model_for
from hub.testing.docs import documented_commands

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "application-submitted.json": "ApplicationSubmitted",
    "task-approved.json": "TaskApproved",
}


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block


def test_every_onewindow_command_in_the_readme_is_accepted_by_the_cli() -> None:
    commands = documented_commands(ROOT.joinpath("README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 15
    for arguments in commands:
        result = CliRunner().invoke(cli, [*arguments, "--help"])
        assert result.exit_code == 0, f"onewindow {' '.join(arguments)}: {result.output}"


@pytest.mark.parametrize(("name", "event_type"), sorted(EXAMPLES.items()))
def test_example_events_fit_their_models(name: str, event_type: str) -> None:
    data = json.loads(ROOT.joinpath("docs/examples", name).read_text(encoding="utf-8"))
    event = model_for(event_type).model_validate(data)
    assert event.key() == "HN-2026-000001"


def test_every_example_is_listed() -> None:
    assert {path.name for path in ROOT.joinpath("docs/examples").iterdir()} == set(EXAMPLES)
