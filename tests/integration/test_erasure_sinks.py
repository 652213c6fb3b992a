"""Erasure reaches department sinks: the copies a sink delivered are erased there too.

A sealed license of a person goes through the sql-mirror connector, as ``onewindow
connector run`` builds it, into a bank's own database. ``onewindow holder erase`` then
sends that connector a PersonErased notice naming what it delivered (and not the person),
and the connector deletes the bank's rows.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from connectors.running.process import build_runner
from connectors.sql_mirror.table import mirror_tables
from hub.cli.main import cli
from hub.consuming import read_topic
from hub.db import create_engine_for
from hub.events.erasure import PersonErased
from hub.publisher import Publisher
from hub.registry import EmbeddedRegistry
from hub.serde import Deserializer
from hub.settings import load_settings
from hub.topics import Topic
from hub.trust.keystore import PersonKeys
from hub.trust.sealing import SealingSerializer
from hub.trust.testing import license_of_a_person

pytestmark = pytest.mark.integration
PERSON = "11010519491231002X"


def mirrored(url: str) -> int:
    licenses, _ = mirror_tables("licenses")
    engine = create_engine_for(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(licenses)).scalar_one()
    engine.dispose()
    return int(count)


def run_mirror(config: dict[str, object], bootstrap: str) -> None:
    with build_runner("sql-mirror", config, load_settings(), bootstrap) as runner:
        runner.run(threading.Event(), once=True)


def test_an_erasure_deletes_what_the_bank_mirror_received(
    tmp_path: Path, kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    for name, value in {
        "ONEWINDOW_DATABASE_URL": hub_db,
        "ONEWINDOW_DATA_DIR": str(tmp_path),
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ONEWINDOW_ENCRYPT_PERSONAL_DATA": "true",
    }.items():
        monkeypatch.setenv(name, value)
    kind = f"TEST_{uuid.uuid4().hex[:8].upper()}"
    issued = license_of_a_person(kind)
    keys = PersonKeys(create_engine_for(hub_db))
    with Publisher(kafka_bootstrap, SealingSerializer(EmbeddedRegistry(), keys)) as publisher:
        publisher.publish_sync(issued)
    bank_db = f"sqlite:///{tmp_path / 'bank.db'}"
    group = f"bank-mirror-{uuid.uuid4().hex[:8]}"
    config: dict[str, object] = {
        "database_url": bank_db,
        "license_types": [kind],
        "department": "BANK",
        "purpose": "account opening",
        "group_id": group,
    }
    run_mirror(config, kafka_bootstrap)
    assert mirrored(bank_db) == 1

    erased = CliRunner().invoke(cli, ["holder", "erase", PERSON, "--yes", "--json"])

    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.stdout)["sinks_notified"] == [group]
    run_mirror(config, kafka_bootstrap)
    assert mirrored(bank_db) == 0
    reader = Deserializer(EmbeddedRegistry())
    messages = list(read_topic(kafka_bootstrap, Topic.ERASURES, idle_timeout=1.0))
    assert not [m for m in messages if PERSON.encode() in (m.value or b"") + (m.key or b"")]
    notices = [reader.decode(message.value or b"").to_event() for message in messages]
    [notice] = [n for n in notices if isinstance(n, PersonErased) and n.connector == group]
    # Other tests' licenses of the same person on the shared broker went to this sink too.
    assert issued.event_id in notice.event_ids
    assert issued.license_id in notice.aggregate_ids
    assert notice.department == "BANK"
