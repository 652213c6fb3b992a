"""The ACLs of a principal: what the simple authorizer must allow, resource by resource.

The same list feeds Strimzi ``KafkaUser`` resources and the compose cluster's
``kafka-acls.sh`` script, so both clusters enforce one policy::

    >>> from hub.deploy.principals import Principal
    >>> reader = Principal("dept-mr", "", reads=frozenset({"onewindow.licenses"}))
    >>> [(acl.name, acl.operations) for acl in acls(reader)]
    [('onewindow.licenses', ('Describe', 'Read'))]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.deploy.principals import PREFIX_MARK, Principal


class Resource(StrEnum):
    """The kinds of Kafka resource an ACL names (Strimzi's spelling)."""

    TOPIC = "topic"
    GROUP = "group"
    CLUSTER = "cluster"


class Pattern(StrEnum):
    """Whether an ACL names one resource or every resource starting with a prefix."""

    LITERAL = "literal"
    PREFIX = "prefix"


# The order Kafka lists operations in; ACLs print them in this order.
OPERATIONS = ("Describe", "Read", "Write", "Create", "Alter", "DescribeConfigs", "AlterConfigs")
_TOPIC_GRANTS = {
    "reads": ("Describe", "Read"),
    "writes": ("Describe", "Write"),
    "manages": ("Describe", "Create", "Alter", "DescribeConfigs", "AlterConfigs"),
    "creates": ("Describe", "Read", "Write", "Create", "DescribeConfigs"),
}


@dataclass(frozen=True)
class Acl:
    """Allow ``operations`` on one resource (or one prefix) to one principal."""

    resource: Resource
    name: str
    pattern: Pattern
    operations: tuple[str, ...]


def acls(principal: Principal) -> list[Acl]:
    """Every ACL ``principal`` needs: its topics, its consumer groups, cluster describe."""
    found = [_topic_acl(principal, topic) for topic in sorted(principal.topics)]
    found += [_group_acl(group) for group in principal.groups]
    if principal.manages:
        found.append(Acl(Resource.CLUSTER, "kafka-cluster", Pattern.LITERAL, ("Describe",)))
    return found


def _topic_acl(principal: Principal, topic: str) -> Acl:
    granted: set[str] = set()
    for grant, operations in _TOPIC_GRANTS.items():
        if topic in getattr(principal, grant):
            granted.update(operations)
    ordered = tuple(operation for operation in OPERATIONS if operation in granted)
    return Acl(Resource.TOPIC, topic, Pattern.LITERAL, ordered)


def _group_acl(group: str) -> Acl:
    if group.endswith(PREFIX_MARK):
        return Acl(Resource.GROUP, group.removesuffix(PREFIX_MARK), Pattern.PREFIX, ("Read",))
    return Acl(Resource.GROUP, group, Pattern.LITERAL, ("Read",))
