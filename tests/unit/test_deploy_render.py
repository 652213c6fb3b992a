"""``onewindow deploy render``: the generated files equal the registry and the principals."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from hub.catalogue import load_catalogue
from hub.cli.main import cli
from hub.deploy.acls import acls
from hub.deploy.principals import Principal, load_principals, principal
from hub.deploy.render import K8S_GENERATED, PRINCIPALS, WORKER, render
from hub.deploy.strimzi import kafka_user
from hub.topics import Topic, declared_topics

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def generated(name: str) -> list[dict[str, Any]]:
    text = (DEPLOY / K8S_GENERATED / name).read_text(encoding="utf-8")
    return [document for document in yaml.safe_load_all(text) if document]


def principals() -> list[Principal]:
    return load_principals(ROOT / PRINCIPALS, declared_topics())


def test_committed_files_are_what_render_produces() -> None:
    result = CliRunner().invoke(cli, ["deploy", "render", "--check", "--out", str(DEPLOY)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_check_names_each_drifted_file_and_render_repairs_them(tmp_path: Path) -> None:
    out = tmp_path / "deploy"
    shutil.copytree(DEPLOY, out, ignore=shutil.ignore_patterns("node_modules"))
    (out / K8S_GENERATED / "topics.yaml").write_text("# edited by hand\n", encoding="utf-8")
    (out / K8S_GENERATED / "users.yaml").unlink()
    (out / K8S_GENERATED / "old.yaml").write_text("{}\n", encoding="utf-8")
    check = CliRunner().invoke(cli, ["deploy", "render", "--check", "--json", "--out", str(out)])
    assert check.exit_code == 1
    assert sorted(yaml.safe_load(check.stdout)["drift"]) == [
        f"{K8S_GENERATED}/old.yaml",
        f"{K8S_GENERATED}/topics.yaml",
        f"{K8S_GENERATED}/users.yaml",
    ]
    assert CliRunner().invoke(cli, ["deploy", "render", "--out", str(out)]).exit_code == 0
    again = CliRunner().invoke(cli, ["deploy", "render", "--check", "--out", str(out)])
    assert again.exit_code == 0, again.output


def test_rendered_topics_are_exactly_the_registry() -> None:
    rendered = {
        topic["spec"]["topicName"]: (
            topic["spec"]["partitions"],
            topic["spec"]["replicas"],
            topic["spec"]["config"],
        )
        for topic in generated("topics.yaml")
    }
    assert rendered == {
        str(spec.name): (spec.partitions, spec.replication_factor, spec.config())
        for spec in declared_topics()
    }


def test_rendered_users_are_exactly_the_principals_with_their_acls() -> None:
    users = {user["metadata"]["name"]: user for user in generated("users.yaml")}
    expected = principals()
    assert set(users) == {p.name for p in expected}
    for one in expected:
        assert users[one.name] == kafka_user(one)
        assert len(users[one.name]["spec"]["authorization"]["acls"]) == len(acls(one))


def test_every_catalogue_department_has_a_principal() -> None:
    names = {p.name for p in principals()}
    departments = load_catalogue().departments
    assert {f"dept-{code.lower()}" for code in departments} <= names


def test_worker_principal_reads_every_topic_the_worker_consumes() -> None:
    from projections.processors import casework, commitments, deadlines, expiry, supervision
    from projections.registry import PROJECTIONS

    projected = {str(e.topic) for p in PROJECTIONS.values() for e in p.steps}
    processors = (
        casework.Casework,
        commitments.CommitmentKeeper,
        deadlines.DeadlineSupervisor,
        expiry.LicenseExpiry,
        supervision.SupervisionEnforcer,
    )
    processed = {str(topic) for cls in processors for topic in cls.topics}
    assert projected | processed <= principal(WORKER, principals()).reads


def test_autoscaler_stops_at_the_partition_count_of_the_consumed_topics() -> None:
    def max_replicas(topics: list[Any]) -> int:
        documents = yaml.safe_load_all(
            render(principals(), topics)[f"{K8S_GENERATED}/workloads.yaml"]
        )
        hpa = next(d for d in documents if d and d["kind"] == "HorizontalPodAutoscaler")
        return int(hpa["spec"]["maxReplicas"])

    topics = declared_topics()
    assert max_replicas(topics) == 6
    wider = [
        dataclasses.replace(spec, partitions=12) if spec.name == Topic.CREDIT else spec
        for spec in topics
    ]
    assert max_replicas(wider) == 12
    dead = [
        dataclasses.replace(spec, partitions=24) if spec.name == Topic.DEADLETTER else spec
        for spec in topics
    ]
    assert max_replicas(dead) == 6  # the worker does not consume dead letters


def test_workloads_use_each_process_principal_and_secret_references() -> None:
    documents = generated("workloads.yaml")
    deployments = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Deployment"}
    for name, user in [
        ("onewindow-worker", "onewindow-worker"),
        ("onewindow-api", "onewindow-api"),
    ]:
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in container["env"]}
        assert env["ONEWINDOW_KAFKA__SASL_USERNAME"]["value"] == user
        password = env["ONEWINDOW_KAFKA__SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert password == {"name": user, "key": "password"}
        assert "secretKeyRef" in env["ONEWINDOW_DATABASE_URL"]["valueFrom"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_compose_script_creates_every_principal_with_its_acls() -> None:
    script = (DEPLOY / "compose/generated/kafka-users.sh").read_text(encoding="utf-8")
    for one in principals():
        lines = [line for line in script.splitlines() if line.split(" ")[1:2] == [one.name]]
        assert lines[0] == f"user {one.name}"
        assert len(lines) == 1 + len(acls(one))
    assert "--group dept-mr- --resource-pattern-type prefixed --operation Read" in script


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[principal]]\nname = "x"\nreads = ["onewindow.nope"]\n', "onewindow.nope"),
        ('[[principal]]\nname = "Bad_Name"\n', "DNS label"),
        ('[[principal]]\nname = "a"\n[[principal]]\nname = "a"\n', "declared twice"),
        ('[[principal]]\nname = "a"\ncolour = "red"\n', "colour"),
    ],
)
def test_a_bad_principals_file_is_refused_naming_the_problem(
    tmp_path: Path, text: str, named: str
) -> None:
    path = tmp_path / "principals.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["deploy", "render", "--check", "--out", str(DEPLOY), "--principals", str(path)]
    )
    assert result.exit_code == 2
    assert named in result.output


def test_each_container_runs_a_command_the_cli_accepts() -> None:
    for deployment in generated("workloads.yaml"):
        for container in (
            deployment.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
        ):
            result = CliRunner().invoke(cli, [*container["args"], "--help"])
            assert result.exit_code == 0, f"{container['name']}: {result.output}"
