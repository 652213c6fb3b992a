"""The connector SDK's pure logic: retries, configs, the registry of connectors."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from connectors import registry
from connectors.base import RetryPolicy, SinkConfig, SourceConfig
from connectors.config import load_config
from connectors.retry import with_retries
from hub.cli.main import cli
from hub.errors import BackpressureError, ConnectorError, RetriableError, SettingsError


class Flaky:
    """Fails with the given errors in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors, self.calls = list(errors), 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def test_retriable_errors_back_off_exponentially_up_to_the_cap() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=5, initial_backoff=1, max_backoff=3, multiplier=2)
    flaky = Flaky(*(RetriableError("busy") for _ in range(4)))
    assert with_retries(flaky, policy, "write", waits.append) == "done"
    assert waits == [1, 2, 3, 3]


def test_backpressure_waits_exactly_as_long_as_asked() -> None:
    waits: list[float] = []
    flaky = Flaky(BackpressureError("slow down", retry_after=7.5))
    with_retries(flaky, RetryPolicy(initial_backoff=0.1), "write", waits.append)
    assert waits == [7.5]


def test_a_final_error_is_not_retried() -> None:
    flaky = Flaky(ConnectorError("400 bad request"))
    with pytest.raises(ConnectorError, match="400 bad request"):
        with_retries(flaky, RetryPolicy(), "write", lambda _: None)
    assert flaky.calls == 1


def test_spent_attempts_end_in_a_connector_error_naming_the_last_failure() -> None:
    flaky = Flaky(*(RetriableError(f"try {n}") for n in range(3)))
    with pytest.raises(ConnectorError, match="write failed 3 times; last: try 2"):
        with_retries(flaky, RetryPolicy(max_attempts=3, initial_backoff=0), "write", print)


def test_a_config_names_every_bad_field() -> None:
    with pytest.raises(SettingsError) as caught:
        load_config(SinkConfig, {"topics": [], "batch_size": 0, "retry": {"max_attempts": 0}})
    message = str(caught.value)
    for field in ("topics", "batch_size", "retry.max_attempts"):
        assert f"{field}: " in message


def test_a_sink_refuses_event_types_that_do_not_exist() -> None:
    with pytest.raises(
        SettingsError, match=r"event_types: .*unknown event types \['LicenceIssued'\]"
    ):
        load_config(SinkConfig, {"topics": ["t"], "event_types": ["LicenceIssued"]})


@pytest.mark.parametrize(
    ("name", "text"),
    [("c.toml", "poll_interval = 2.5\n"), ("c.json", json.dumps({"poll_interval": 2.5}))],
)
def test_configs_are_read_from_toml_or_json(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert load_config(SourceConfig, tmp_path / name).poll_interval == 2.5


def test_an_unreadable_config_file_says_which_and_why(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("poll_interval = = 1", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"c.toml is not valid TOML"):
        load_config(SourceConfig, tmp_path / "c.toml")
    with pytest.raises(SettingsError, match="cannot read connector config"):
        load_config(SourceConfig, tmp_path / "missing.toml")


def test_built_ins_are_listed_with_kind_summary_and_origin() -> None:
    found = {info.name: info for info in registry.describe_all()}
    assert {"file-import", "outbox", "sql-mirror", "webhook"} <= set(found)
    assert (found["webhook"].kind, found["outbox"].kind) == ("sink", "source")
    assert found["file-import"].origin == registry.BUILT_IN
    assert found["sql-mirror"].summary.startswith("Mirrors the current state of licenses")


def fake_entry_points(*entries: EntryPoint) -> Any:
    return lambda group: list(entries) if group == registry.ENTRY_POINT_GROUP else []


def test_a_plugin_is_found_through_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = EntryPoint("tax-ledger", "connectors.webhook:WebhookSink", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", fake_entry_points(plugin))
    assert registry.targets()["tax-ledger"][0] == "connectors.webhook:WebhookSink"
    assert registry.connector_class("tax-ledger").kind == "sink"


def test_two_connectors_with_one_name_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    clash = EntryPoint("webhook", "elsewhere:Hook", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", fake_entry_points(clash))
    with pytest.raises(SettingsError, match="two connectors are named 'webhook'"):
        registry.targets()


def test_an_unknown_or_broken_connector_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="no connector named 'ftp'; known: file-import"):
        registry.connector_class("ftp")
    broken = EntryPoint("broken", "no_such_module:Thing", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", fake_entry_points(broken))
    with pytest.raises(SettingsError, match="cannot load no_such_module:Thing"):
        registry.connector_class("broken")


def test_connector_list_prints_a_line_per_connector_or_json() -> None:
    text = CliRunner().invoke(cli, ["connector", "list"])
    assert text.exit_code == 0
    assert any(
        line.startswith("webhook ") and " sink " in line for line in text.output.splitlines()
    )
    as_json = CliRunner().invoke(cli, ["connector", "list", "--json"])
    listed = {item["name"]: item for item in json.loads(as_json.output)}
    assert listed["file-import"]["target"] == "connectors.file_import:FileImportSource"


def test_connector_run_without_a_broker_address_says_so(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'inbox = "{tmp_path}"\nevent_type = "CaseRated"\nsource = "tax"\n')
    answer = CliRunner().invoke(
        cli,
        ["connector", "run", "file-import", "--config", str(config)],
        env={"ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": ""},
    )
    assert answer.exit_code == 2
    assert "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS" in answer.output
