"""Offline validation of deploy/: the tree passes, and a broken copy of each file fails.

Runs the real checkers: the Compose Specification schema, Kubernetes' OpenAPI schemas
(kubernetes-validate), Strimzi's CRD schemas under Node and tsc, hadolint, promtool.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from hub.cli.main import cli
from hub.deploy import alerts, kustomize
from hub.deploy.validate import (
    ALERTS,
    COMPOSE_FILE,
    DOCKERFILE,
    OVERLAY,
    SCRIPTS,
    TOOLS,
    compose_problems,
    dockerfile_problems,
    kubernetes_problems,
    script_problems,
)

pytestmark = pytest.mark.integration

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
Manifest = dict[str, Any]


def test_the_whole_tree_validates() -> None:
    result = CliRunner().invoke(cli, ["deploy", "validate", "--json", "--dir", str(DEPLOY)])
    assert result.exit_code == 0, result.output
    report = yaml.safe_load(result.stdout)
    assert report == {COMPOSE_FILE: [], OVERLAY: [], DOCKERFILE: [], ALERTS: [], SCRIPTS: []}


def broken_compose(tmp_path: Path, change: Any) -> list[str]:
    document = yaml.safe_load((DEPLOY / COMPOSE_FILE).read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return compose_problems(path)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["services"]["api"].update(ports="8600"), "is not of type 'array'"),
        (lambda d: d["services"]["api"].update(command=42), "services/api/command: 42"),
        (
            lambda d: d["services"]["api"].update(depends_on={"postgres": {"restart": True}}),
            "'condition' is a required property",
        ),
        (lambda d: d["services"]["api"].update(colour="blue"), "('colour' was unexpected)"),
    ],
)
def test_a_broken_compose_file_fails(tmp_path: Path, change: Any, named: str) -> None:
    problems = broken_compose(tmp_path, change)
    assert problems
    assert any(named in problem for problem in problems), problems


def find(manifests: list[Manifest], kind: str, name: str | None = None) -> Manifest:
    return next(m for m in manifests if m["kind"] == kind and name in (None, m["metadata"]["name"]))


def test_broken_kubernetes_and_strimzi_manifests_fail_each_by_name() -> None:
    manifests = copy.deepcopy(kustomize.build(DEPLOY / OVERLAY))
    del find(manifests, "Deployment", "onewindow-worker")["spec"]["selector"]
    find(manifests, "Service")["spec"]["ports"][0]["port"] = "eighty"
    find(manifests, "HorizontalPodAutoscaler")["spec"]["colour"] = "blue"
    find(manifests, "KafkaTopic")["spec"]["partitions"] = "six"
    find(manifests, "KafkaUser", "onewindow-api")["spec"]["quota"] = {"producerByteRate": 1}
    del find(manifests, "KafkaNodePool")["spec"]["roles"]
    find(manifests, "Kafka")["spec"]["kafka"]["listeners"][0]["type"] = "sideways"
    problems = "\n".join(kubernetes_problems(manifests, DEPLOY / TOOLS))
    expected = [
        "Deployment onewindow-worker: spec: 'selector' is a required property",
        "Service onewindow-api: spec/ports/0/port: 'eighty' is not of type 'integer'",
        "HorizontalPodAutoscaler onewindow-worker: spec: Additional properties",
        "KafkaTopic onewindow.applications: data/spec/partitions must be integer",
        "KafkaUser onewindow-api: TS2353: Object literal may only specify known properties, "
        "and '\"quota\"' does not exist",
        "KafkaNodePool dual-role: data/spec must have required property roles",
        "Kafka onewindow: data/spec/kafka/listeners/0/type must be equal to one of the allowed",
    ]
    for line in expected:
        assert line in problems, problems


def test_a_kind_without_a_schema_is_a_problem_not_a_pass() -> None:
    stray = {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaWidget", "metadata": {}}
    stray["metadata"] = {"name": "w"}
    core = {"apiVersion": "example.org/v1", "kind": "Gadget", "metadata": {"name": "g"}}
    problems = kubernetes_problems([core, stray], DEPLOY / TOOLS)
    assert any(p.startswith("Gadget g: no Kubernetes") for p in problems), problems
    assert any("KafkaWidget w: no Strimzi schema" in p for p in problems), problems


def test_a_broken_dockerfile_fails_hadolint(tmp_path: Path) -> None:
    text = (DEPLOY / DOCKERFILE).read_text(encoding="utf-8")
    broken = text.replace("USER 10001:10001", "RUN pip install flask\nUSER root")
    path = tmp_path / "Dockerfile"
    path.write_text(broken, encoding="utf-8")
    codes = {problem.split(" ")[2] for problem in dockerfile_problems(path)}
    assert {"DL3013", "DL3002"} <= codes


def test_a_broken_shell_script_fails_shellcheck(tmp_path: Path) -> None:
    text = (DEPLOY / "compose/kafka/setup-users.sh").read_text(encoding="utf-8")
    broken = text.replace('exec sh "${USERS_SCRIPT', "exec sh ${USERS_SCRIPT").replace(
        '.sh}"', ".sh}"
    )
    path = tmp_path / "setup-users.sh"
    path.write_text(broken + "[[ -n $BOOTSTRAP ]]\n", encoding="utf-8")
    codes = {problem.split(" ")[3] for problem in script_problems([path])}
    assert {"SC2086", "SC3010"} <= codes


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda rule: rule["labels"].pop("severity"), "labels.severity"),
        (lambda rule: rule.update({"for": "five minutes"}), "'for' is not a Prometheus duration"),
        (lambda rule: rule["annotations"].pop("summary"), "['summary'] are missing"),
        (lambda rule: rule.update(expresion="up"), "unknown keys ['expresion']"),
    ],
)
def test_a_broken_alert_rule_fails(tmp_path: Path, change: Any, named: str) -> None:
    document = yaml.safe_load((DEPLOY / ALERTS).read_text(encoding="utf-8"))
    change(document["groups"][0]["rules"][0])
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert any(named in problem for problem in alerts.problems(path))


def test_a_repeated_alert_name_fails(tmp_path: Path) -> None:
    document = yaml.safe_load((DEPLOY / ALERTS).read_text(encoding="utf-8"))
    rules = document["groups"][0]["rules"]
    rules.append(copy.deepcopy(rules[0]))
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert f"alert {rules[0]['alert']} is defined twice" in alerts.problems(path)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_rejects_an_expression_it_cannot_parse(tmp_path: Path) -> None:
    document = yaml.safe_load((DEPLOY / ALERTS).read_text(encoding="utf-8"))
    document["groups"][0]["rules"][0]["expr"] = "sum(kafka_consumergroup_lag"
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert alerts.problems(path)[0].startswith("promtool: ")
    assert alerts.promtool_problems(DEPLOY / ALERTS) == []
