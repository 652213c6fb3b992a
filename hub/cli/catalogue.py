"""``onewindow catalogue``: browse the item catalogue and check an edited catalogue file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hub.catalogue import Bundle, Catalogue, Item, load_catalogue, read_catalogue
from hub.cli.output import emit_json, json_option


@click.group()
def catalogue() -> None:
    """The approval items, their departments, materials and bundles."""


@catalogue.command("list")
@click.option("--bundle", "bundle_code", help="Only the items of this bundle.")
@json_option
def list_items(bundle_code: str | None, as_json: bool) -> None:
    """List the items (code, department, category, promised/statutory days, name)."""
    current = load_catalogue()
    items = current.expand([], bundle_code) if bundle_code else list(current.items.values())
    if as_json:
        emit_json([_summary(item) for item in items])
        return
    for item in items:
        days = f"{item.promised_days}/{item.statutory_days}d"
        click.echo(
            f"{item.code:<14} {item.department.code:<7} {item.category.value:<11} "
            f"{days:<7} {item.name} / {item.name_en}"
        )


@catalogue.command()
@click.argument("code")
@json_option
def show(code: str, as_json: bool) -> None:
    """Show one item, or one bundle with its stages, by code."""
    current = load_catalogue()
    if code in current.bundles:
        bundle = current.bundle(code)
        if as_json:
            emit_json(bundle.model_dump(mode="json"))
        else:
            _echo_bundle(current, bundle)
        return
    item = current.item(code)
    if as_json:
        emit_json(item.model_dump(mode="json"))
    else:
        _echo_item(item)


@catalogue.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@json_option
def check(file: Path | None, as_json: bool) -> None:
    """Validate a catalogue file (the shipped one by default); exit 1 naming the problem."""
    checked = read_catalogue(file) if file else load_catalogue()
    counts = {
        "version": checked.version,
        "effective_date": checked.effective_date.isoformat(),
        "departments": len(checked.departments),
        "materials": len(checked.materials),
        "items": len(checked.items),
        "bundles": len(checked.bundles),
    }
    if as_json:
        emit_json({"valid": True, **counts})
        return
    click.echo(
        f"catalogue {counts['version']} (effective {counts['effective_date']}) is valid: "
        f"{counts['items']} items, {counts['bundles']} bundles, "
        f"{counts['departments']} departments, {counts['materials']} materials"
    )


def _summary(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "department": item.department.code,
        "category": item.category.value,
        "promised_days": item.promised_days,
        "statutory_days": item.statutory_days,
        "license_type": item.license_type.code if item.license_type else None,
    }


def _echo_item(item: Item) -> None:
    result = item.license_type.code if item.license_type else "a record, no license"
    click.echo(f"{item.code}  {item.name} / {item.name_en}")
    click.echo(f"department:  {item.department.code} {item.department.name}")
    click.echo(f"category:    {item.category.value}")
    click.echo(f"time limit:  {item.promised_days} promised / {item.statutory_days} statutory")
    click.echo(f"result:      {result}")
    if item.stage:
        click.echo(f"stage:       {item.stage.value}{' (lead)' if item.stage_lead else ''}")
    if item.commitment_allowed:
        click.echo(f"commitment:  allowed; a breach means {item.breach_action}")
    if item.supervision:
        rule = "mandatory" if item.supervision.mandatory else "optional"
        click.echo(f"supervision: {rule}, by {item.supervision.department.code}")
    click.echo("materials:")
    for r in item.requirements:
        essential = "essential" if r.essential else "optional"
        license = f", or a valid {r.material.license_type.code}" if r.material.license_type else ""
        click.echo(f"  {r.code:<34} {essential:<9} grade {r.min_grade.value} or better{license}")


def _echo_bundle(current: Catalogue, bundle: Bundle) -> None:
    click.echo(f"{bundle.code}  {bundle.name} / {bundle.name_en}")
    click.echo(f"window:      {bundle.window.code} {bundle.window.name}")
    for stage in current.stages(bundle):
        items = ", ".join(item.code for item in stage.items)
        click.echo(f"stage {stage.name.value} (lead {stage.lead.code}): {items}")
    if not bundle.staged:
        for item in bundle.items:
            click.echo(f"  {item.code:<14} {item.department.code:<7} {item.name}")
