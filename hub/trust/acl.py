"""Kafka ACLs from the principals and the data-sharing agreements.

Each department principal (``dept-<code>``) reads exactly the topics its agreements name,
not the blanket ``[departments]`` grant of ``deploy/principals.toml``; hub services keep
their grants. The result comes in both forms a cluster takes: ``kafka-acls.sh`` commands
and the ``KafkaUser.spec.authorization.acls`` structure of Strimzi::

    principals = narrowed(load_principals(PRINCIPALS, declared_topics()), load_agreements())
    for entry in acl_entries(principals):
        print(entry.command())
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hub.deploy.acls import Acl, Pattern, Resource, acls
from hub.deploy.principals import Principal
from hub.deploy.strimzi import kafka_user
from hub.trust.agreements import Agreements

DEPARTMENT_PREFIX = "dept-"
BOOTSTRAP = "$BOOTSTRAP"
_CLI_PATTERN = {Pattern.LITERAL: "literal", Pattern.PREFIX: "prefixed"}


@dataclass(frozen=True)
class AclEntry:
    """One ACL of one principal."""

    principal: str
    acl: Acl

    def command(self, bootstrap: str = BOOTSTRAP) -> str:
        """The ``kafka-acls.sh`` command that adds this ACL."""
        acl = self.acl
        if acl.resource is Resource.CLUSTER:
            target = "--cluster"
        else:
            target = (
                f"--{acl.resource} {acl.name} --resource-pattern-type {_CLI_PATTERN[acl.pattern]}"
            )
        operations = " ".join(f"--operation {operation}" for operation in acl.operations)
        return (
            f"kafka-acls.sh --bootstrap-server {bootstrap} --add "
            f"--allow-principal User:{self.principal} {target} {operations}"
        )


def narrowed(principals: Sequence[Principal], agreements: Agreements) -> list[Principal]:
    """``principals`` with each department reading only what its agreements grant."""
    return [_narrow(principal, agreements) for principal in principals]


def acl_entries(principals: Sequence[Principal], agreements: Agreements) -> list[AclEntry]:
    """Every ACL the principals need once the agreements have narrowed the departments."""
    return [
        AclEntry(principal.name, acl)
        for principal in narrowed(principals, agreements)
        for acl in acls(principal)
    ]


def strimzi_acls(principals: Sequence[Principal], agreements: Agreements) -> dict[str, Any]:
    """Per principal, its ``KafkaUser.spec.authorization.acls``, as Strimzi takes them."""
    return {
        principal.name: kafka_user(principal)["spec"]["authorization"]["acls"]
        for principal in narrowed(principals, agreements)
    }


def _narrow(principal: Principal, agreements: Agreements) -> Principal:
    if not principal.name.startswith(DEPARTMENT_PREFIX):
        return principal
    # Catalogue codes are upper case; principal names, being DNS labels, are lower case.
    department = principal.name.removeprefix(DEPARTMENT_PREFIX).upper()
    return dataclasses.replace(principal, reads=agreements.topics_of(department))
