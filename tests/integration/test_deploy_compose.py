"""The compose installation's scripts, run for real with Kafka's tools replaced by recorders.

Docker cannot run here, so each script the containers run is executed with ``sh``:
the secrets maker, a Kafka node's start script and the users-and-ACLs job.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from connectors.config import load_config, read_config_file
from connectors.file_import import FileImportConfig
from connectors.webhook import WebhookConfig
from hub.cli.main import cli
from hub.deploy.acls import acls
from hub.deploy.principals import load_principals
from hub.deploy.render import PRINCIPALS
from hub.settings import load_settings
from hub.topics import declared_topics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy/compose"
RECORDER = '#!/bin/sh\necho "$(basename "$0") $*" >> "$RECORD"\n'


@pytest.fixture
def compose(tmp_path: Path) -> Path:
    """A copy of deploy/compose with .env from the example and its secrets made."""
    folder = tmp_path / "compose"
    shutil.copytree(COMPOSE, folder, ignore=shutil.ignore_patterns("secrets", ".env", "inbox"))
    shutil.copy(folder / ".env.example", folder / ".env")
    subprocess.run(["sh", str(folder / "make-secrets.sh")], check=True, capture_output=True)
    return folder


def compose_file(folder: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((folder / "docker-compose.yml").read_text(encoding="utf-8")))


def recorders(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text(RECORDER, encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def test_every_file_the_compose_file_names_exists_once_secrets_are_made(compose: Path) -> None:
    document = compose_file(compose)
    named = [Path(secret["file"]) for secret in document["secrets"].values()]
    for service in document["services"].values():
        named += [Path(path) for path in service.get("env_file", [])]
        named += [Path(v.split(":")[0]) for v in service.get("volumes", []) if v.startswith(".")]
    missing = [str(path) for path in named if not (compose / path).exists()]
    assert missing == []
    assert (compose / "secrets/postgres.password").stat().st_mode & 0o077 == 0


def test_making_secrets_again_changes_nothing(compose: Path) -> None:
    before = {p: p.read_bytes() for p in (compose / "secrets").rglob("*") if p.is_file()}
    subprocess.run(["sh", str(compose / "make-secrets.sh")], check=True, capture_output=True)
    after = {p: p.read_bytes() for p in (compose / "secrets").rglob("*") if p.is_file()}
    assert after == before


def test_each_hub_service_gets_valid_settings_for_its_own_principal(
    compose: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = compose_file(compose)
    hub_services = {n: s for n, s in document["services"].items() if "env_file" in s}
    for name, service in hub_services.items():
        env = dict(service.get("environment", {}))
        for env_file in service["env_file"]:
            lines = (compose / env_file).read_text(encoding="utf-8").splitlines()
            env |= dict(line.split("=", 1) for line in lines)
        if name == "schema-registry":
            assert (
                'username="schema-registry"' in env["SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG"]
            )
            continue
        principal = env["ONEWINDOW_KAFKA__SASL_USERNAME"]
        password = (compose / "secrets/kafka-users" / principal).read_text(encoding="utf-8")
        assert env["ONEWINDOW_KAFKA__SASL_PASSWORD"] == password.strip()
        with monkeypatch.context() as patched:
            for key, value in env.items():
                patched.setenv(key, str(value))
            kafka = load_settings().kafka
        assert kafka.librdkafka_config()["sasl.mechanism"] == "SCRAM-SHA-512"


def test_each_hub_service_runs_a_command_the_cli_accepts(compose: Path) -> None:
    for name, service in compose_file(compose)["services"].items():
        if str(service.get("image", "")).startswith("ghcr.io/onewindow/"):
            result = CliRunner().invoke(cli, [*service["command"], "--help"])
            assert result.exit_code == 0, f"{name}: {result.output}"


def test_connector_configs_are_valid(compose: Path) -> None:
    raw = read_config_file(compose / "connectors/file-import.toml")
    assert raw["inbox"] == "/var/lib/onewindow/inbox/market-regulation"  # ./inbox mounted here
    here = raw | {"inbox": str(compose / "inbox/market-regulation")}
    assert load_config(FileImportConfig, here).event_type == "LicenseIssued"
    webhook = load_config(WebhookConfig, compose / "secrets/webhook.toml")
    assert str(webhook.url) == "https://tax.example.gov/onewindow/events"


def test_setup_job_creates_every_user_and_acl(compose: Path, tmp_path: Path) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    shutil.copy(compose / "secrets/kafka-admin.password", secrets / "kafka-admin-password")
    (secrets / "kafka-users").symlink_to(compose / "secrets/kafka-users")
    record = tmp_path / "record.txt"
    environment = os.environ | {
        "SECRETS": str(secrets),
        "CONFIG_DIR": str(tmp_path),
        "KAFKA_BIN": str(recorders(tmp_path / "bin", "kafka-configs.sh", "kafka-acls.sh")),
        "USERS_SCRIPT": str(compose / "generated/kafka-users.sh"),
        "RECORD": str(record),
    }
    setup = compose / "kafka/setup-users.sh"
    subprocess.run(["sh", str(setup)], check=True, env=environment, capture_output=True)
    calls = record.read_text(encoding="utf-8").splitlines()
    principals = load_principals(ROOT / PRINCIPALS, declared_topics())
    for one in principals:
        password = (compose / "secrets/kafka-users" / one.name).read_text().strip()
        user = [c for c in calls if c.startswith("kafka-configs.sh") and f" {one.name} " in c]
        assert len(user) == 1
        assert f"SCRAM-SHA-512=[iterations=8192,password={password}]" in user[0]
        granted = [c for c in calls if f"--allow-principal User:{one.name} " in c]
        assert len(granted) == len(acls(one))
    assert 'username="admin"' in (tmp_path / "admin.properties").read_text()


def test_a_kafka_node_formats_with_the_admin_credential_and_starts(
    compose: Path, tmp_path: Path
) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    shutil.copy(compose / "secrets/kafka-admin.password", secrets / "kafka-admin-password")
    home = tmp_path / "kafka"
    recorders(home / "bin", "kafka-storage.sh", "kafka-server-start.sh")
    record = tmp_path / "record.txt"
    environment = os.environ | {
        "NODE_ID": "2",
        "CLUSTER_ID": "q1Sh-9_ISia_zwGINzRvyQ",
        "KAFKA_HOME": str(home),
        "SECRETS": str(secrets),
        "CONFIG_DIR": str(tmp_path),
        "RECORD": str(record),
    }
    start = compose / "kafka/start-kafka.sh"
    subprocess.run(["sh", str(start)], check=True, env=environment, capture_output=True)
    password = (secrets / "kafka-admin-password").read_text().strip()
    properties = (tmp_path / "server.properties").read_text(encoding="utf-8")
    assert "node.id=2\n" in properties
    assert "CLIENT://kafka-2:9092" in properties
    assert "super.users=User:admin\n" in properties
    assert "allow.everyone.if.no.acl.found=false\n" in properties
    format_call, start_call = record.read_text(encoding="utf-8").splitlines()
    assert f"--add-scram SCRAM-SHA-512=[name=admin,password={password}]" in format_call
    assert start_call == f"kafka-server-start.sh {tmp_path / 'server.properties'}"
