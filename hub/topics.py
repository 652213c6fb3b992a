"""The topics of the event log. Aggregate type picks the topic; aggregate id is the key."""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    """Every topic name the hub and its users rely on (architecture.md)."""

    APPLICATIONS = "onewindow.applications"
    LICENSES = "onewindow.licenses"
    MATERIALS = "onewindow.materials"
    CREDIT = "onewindow.credit"
    SUPERVISION = "onewindow.supervision"
    ACCESS = "onewindow.access"
    DEADLETTER = "onewindow.deadletter"
