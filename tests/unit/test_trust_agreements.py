"""Data-sharing agreements: the file validates, decide() grants, masks or refuses, ACLs follow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli.main import cli
from hub.deploy.principals import load_principals
from hub.deploy.render import PRINCIPALS
from hub.errors import SettingsError
from hub.topics import declared_topics
from hub.trust.acl import acl_entries, strimzi_acls
from hub.trust.agreements import Agreements, load_agreements

FIELDS = ("id_number", "name", "face_fields")


@pytest.fixture(scope="module")
def book() -> Agreements:
    return load_agreements()


def test_granted_fields_are_shown_and_the_rest_masked(book: Agreements) -> None:
    decision = book.decide("BANK", "licenses", FIELDS, "account opening")
    assert decision.granted_fields == ("name",)
    assert decision.masked_fields == ("id_number", "face_fields")
    assert not decision.refused


def test_resource_without_agreement_is_refused_with_the_rule(book: Agreements) -> None:
    decision = book.decide("BANK", "cases", FIELDS, "account opening")
    assert decision.refused_rule == "no agreement lets department 'BANK' read 'cases'"
    assert decision.granted_fields == ()


def test_wrong_purpose_is_refused_naming_the_agreement(book: Agreements) -> None:
    decision = book.decide("BANK", "licenses", FIELDS, "marketing")
    assert decision.refused_rule is not None
    assert "BANK-account-opening" in decision.refused_rule
    assert "'marketing'" in decision.refused_rule


def test_public_may_verify_but_sees_nothing_personal(book: Agreements) -> None:
    decision = book.decide("public", "verification", FIELDS, "anything")
    assert decision.granted_fields == ()
    assert book.decide("public", "licenses", FIELDS, "anything").refused


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[agreement]]\nid="a"\ndepartment="XX"\nresources=["cases"]\npurposes=["x"]', "XX"),
        ('[[agreement]]\nid="a"\ndepartment="MR"\nresources=["bogus"]\npurposes=["x"]', "bogus"),
        ('[[agreement]]\nid="a"\ndepartment="MR"\npurposes=["x"]', "resources or topics"),
        ('[[agreement]]\nid="a"\ndepartment="MR"\ntopics=["nope"]\npurposes=["x"]', "nope"),
        ('[[agreement]]\nid="a"\ndepartment="MR"\nresources=["cases"]\npurposes=[]', "purposes"),
        ("[[agreement]\n", "cannot read"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "agreements.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=problem):
        load_agreements(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    one = '[[agreement]]\nid="a"\ndepartment="MR"\nresources=["cases"]\npurposes=["x"]\n'
    path = tmp_path / "agreements.toml"
    path.write_text(one + one, encoding="utf-8")
    with pytest.raises(SettingsError, match="used twice"):
        load_agreements(path)


def test_departments_read_only_the_topics_their_agreements_name(book: Agreements) -> None:
    principals = load_principals(PRINCIPALS, declared_topics())
    entries = acl_entries(principals, book)
    bank_reads = {
        e.acl.name for e in entries if e.principal == "dept-bank" and "Read" in e.acl.operations
    }
    assert bank_reads == {"onewindow.licenses", "dept-bank-"}
    assert not any(
        e.principal == "dept-water"
        and "Read" in e.acl.operations
        and e.acl.name.startswith("onewindow.")
        for e in entries
    )
    worker = {e.acl.name for e in entries if e.principal == "onewindow-worker"}
    assert "onewindow.access" in worker


def test_every_department_may_process_what_is_addressed_to_it(book: Agreements) -> None:
    fields = ("id_number", "name")
    own = book.decide("PS", "onewindow.applications", fields, "processing", addressee="PS")
    assert (own.granted_fields, own.refused_rule) == (fields, None)
    other = book.decide("PS", "onewindow.applications", fields, "processing", addressee="TAX")
    assert other.refused
    assert book.decide(
        "WATER", "onewindow.supervision", fields, "processing", "WATER"
    ).granted_fields
    # Kafka ACLs cannot pick events: the topic is not granted to the principal for this.
    assert "onewindow.applications" not in book.topics_of("PS")


def test_an_agreement_for_addressed_events_names_known_departments(tmp_path: Path) -> None:
    path = tmp_path / "agreements.toml"
    path.write_text(
        '[[agreement]]\nid = "x"\ndepartment = "SC"\ntopics = ["onewindow.applications"]\n'
        'addressed_to = ["NOWHERE"]\npurposes = ["processing"]\n'
    )
    with pytest.raises(SettingsError, match="unknown department 'NOWHERE'"):
        load_agreements(path)


def test_strimzi_form_matches_the_commands(book: Agreements) -> None:
    principals = load_principals(PRINCIPALS, declared_topics())
    acls = strimzi_acls(principals, book)
    commands = [e.command() for e in acl_entries(principals, book) if e.principal == "dept-mr"]
    assert len(acls["dept-mr"]) == len(commands)
    assert {
        "resource": {"type": "topic", "name": "onewindow.applications", "patternType": "literal"},
        "operations": ["Describe", "Read", "Write"],
    } in acls["dept-mr"]


def test_acl_plan_cli() -> None:
    text = CliRunner().invoke(cli, ["acl", "plan"])
    assert text.exit_code == 0
    assert (
        "kafka-acls.sh --bootstrap-server $BOOTSTRAP --add --allow-principal User:dept-bank "
        "--topic onewindow.licenses --resource-pattern-type literal "
        "--operation Describe --operation Read"
    ) in text.stdout
    plan = json.loads(CliRunner().invoke(cli, ["acl", "plan", "--json"]).stdout)
    assert set(plan) == {"commands", "strimzi"}
    assert "dept-fd" in plan["strimzi"]
