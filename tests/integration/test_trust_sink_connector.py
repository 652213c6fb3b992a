"""A sink connector that names its department delivers only what the agreements grant."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.sql_mirror.table import mirror_tables
from hub.consuming import read_topic
from hub.db import create_engine_for
from hub.identifiers import mask
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer, Serializer
from hub.testing.processes import ONEWINDOW
from hub.topics import Topic
from hub.trust.testing import license_of_a_person

pytestmark = pytest.mark.integration
PERSON = "11010519491231002X"


def test_the_bank_mirror_gets_the_name_not_the_number(tmp_path: Path, kafka_bootstrap: str) -> None:
    kind = f"TEST_{uuid.uuid4().hex[:8].upper()}"
    issued = license_of_a_person(kind, PERSON)
    with Publisher(kafka_bootstrap, Serializer(EmbeddedRegistry())) as publisher:
        publisher.publish_sync(issued)
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    config = tmp_path / "sql-mirror.toml"
    lines = [f'database_url = "{url}"', f'license_types = ["{kind}"]', 'department = "BANK"']
    config.write_text("\n".join([*lines, 'purpose = "account opening"', ""]), encoding="utf-8")
    env = os.environ | {
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_DATA_DIR": str(tmp_path / "var"),
    }
    command = [ONEWINDOW, "connector", "run", "sql-mirror", "--config", str(config), "--once"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr

    licenses, _ = mirror_tables("licenses")
    engine = create_engine_for(url)
    with engine.connect() as conn:
        row = conn.execute(select(licenses)).mappings().one()
    engine.dispose()
    assert (row["holder_id_number"], row["holder_name"]) == (mask(PERSON), "张三")
    reader = Deserializer(EmbeddedRegistry())
    accesses = [
        reader.decode(message.value or b"").to_event()
        for message in read_topic(kafka_bootstrap, Topic.ACCESS, idle_timeout=1.0)
    ]
    assert any(
        getattr(event, "department", None) == "BANK"
        and getattr(event, "purpose", None) == "account opening"
        and getattr(event, "subject_id_number", None) == PERSON
        for event in accesses
    )


def test_an_unknown_department_stops_the_connector(tmp_path: Path, kafka_bootstrap: str) -> None:
    config = tmp_path / "sql-mirror.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path}/x.db"\ndepartment = "NOPE"\n')
    env = os.environ | {"ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap}
    command = [ONEWINDOW, "connector", "run", "sql-mirror", "--config", str(config), "--once"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 1
    assert "unknown department 'NOPE'" in done.stderr
