"""The topic registry, its overrides, faust's internal topics, and drift detection."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hub.broker.drift import Drift, DriftKind, ObservedTopic, find_drift
from hub.cli.main import cli
from hub.errors import SettingsError
from hub.settings import TopicSettings
from hub.topics import (
    REGISTRY,
    CleanupPolicy,
    Topic,
    TopicSpec,
    declared_topics,
    faust_internal_topics,
    topic_spec,
)


def test_every_topic_name_has_exactly_one_declaration() -> None:
    assert sorted(spec.name for spec in REGISTRY) == sorted(Topic)


def test_the_license_state_topic_is_compacted_and_the_log_topics_kept_forever() -> None:
    state = topic_spec(Topic.LICENSES_STATE).config()
    log = topic_spec(Topic.LICENSES).config()
    assert state["cleanup.policy"] == "compact"
    assert "retention.ms" not in state
    assert (log["cleanup.policy"], log["retention.ms"]) == ("delete", "-1")
    assert log["min.insync.replicas"] == "2"


def test_min_insync_replicas_never_exceeds_the_replication_factor() -> None:
    spec = TopicSpec("t", key="k", partitions=1, replication_factor=1)
    assert spec.config()["min.insync.replicas"] == "1"


def test_a_changelog_is_compacted_and_copartitioned_with_its_source() -> None:
    changelog, repartition = faust_internal_topics(
        "supervise", {"clocks": Topic.SUPERVISION}, repartitions={"by-holder": 6}
    )
    assert changelog.name == "supervise-clocks-changelog"
    assert changelog.partitions == topic_spec(Topic.SUPERVISION).partitions
    assert changelog.cleanup_policy is CleanupPolicy.COMPACT
    assert (repartition.name, repartition.partitions) == ("supervise-by-holder-repartition", 6)


def test_settings_override_partitions_and_replication() -> None:
    settings = TopicSettings(partitions={Topic.ACCESS: 12}, replication_factor=1)
    specs = {spec.name: spec for spec in declared_topics(settings)}
    assert specs[Topic.ACCESS].partitions == 12
    assert specs[Topic.CREDIT].partitions == 3
    assert {spec.replication_factor for spec in specs.values()} == {1}


def test_an_override_for_an_unknown_topic_names_it() -> None:
    with pytest.raises(SettingsError, match=r"unknown topics \['onewindow.typo'\]"):
        declared_topics(TopicSettings(partitions={"onewindow.typo": 3}))


def test_an_unknown_topic_name_is_refused() -> None:
    with pytest.raises(SettingsError, match="no topic named 'nope'"):
        topic_spec("nope")


def test_a_topic_without_partitions_is_refused() -> None:
    with pytest.raises(SettingsError, match="partitions and replication factor"):
        TopicSpec("t", key="k", partitions=0)


@pytest.mark.parametrize("name", ["", "with space", "ümlaut", ".", "x" * 250])
def test_a_topic_name_kafka_cannot_hold_is_refused(name: str) -> None:
    with pytest.raises(SettingsError, match="is not legal"):
        TopicSpec(name, key="k", partitions=1)


def test_drift_names_missing_topics_partitions_and_configs() -> None:
    spec = topic_spec(Topic.CREDIT)
    observed = {
        Topic.CREDIT: ObservedTopic(Topic.CREDIT, 2, spec.config() | {"retention.ms": "604800000"})
    }
    drift = find_drift([spec, topic_spec(Topic.ACCESS)], observed)
    assert drift == [
        Drift(Topic.CREDIT, DriftKind.PARTITIONS, "3", "2"),
        Drift(Topic.CREDIT, DriftKind.CONFIG, "-1", "604800000", setting="retention.ms"),
        Drift(Topic.ACCESS, DriftKind.MISSING, "present", "absent"),
    ]


def test_fewer_declared_partitions_cannot_be_fixed_and_unknown_configs_are_skipped() -> None:
    spec = topic_spec(Topic.CREDIT)
    (drift,) = find_drift([spec], {Topic.CREDIT: ObservedTopic(Topic.CREDIT, 9, None)})
    assert not drift.fixable
    assert str(drift) == (
        "onewindow.credit: partitions: declared 3, found 9 (cannot be fixed in place)"
    )


def test_apply_without_a_cluster_explains_the_embedded_broker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS", raising=False)
    result = CliRunner().invoke(cli, ["topics", "apply", "--check"])
    assert result.exit_code == 0
    assert "embedded broker and creates every registered topic" in result.stdout


def test_list_shows_the_registry_as_json() -> None:
    result = CliRunner().invoke(cli, ["topics", "list", "--json"])
    records = {record["name"]: record for record in json.loads(result.stdout)}
    assert result.exit_code == 0
    assert records[Topic.LICENSES_STATE]["config"]["cleanup.policy"] == "compact"
    assert records[Topic.APPLICATIONS]["key"] == "case id"
