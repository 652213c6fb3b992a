"""Queries over the read models, shared by the HTTP API, the dashboard and the CLI.

Each function takes an open SQLAlchemy connection and returns the frozen answers of
:mod:`hub.queries.models`, with identity numbers in full: masking is the API's job
(:mod:`hub.api.disclosure`), done in one place. For example::

    >>> from hub.db import create_engine_for
    >>> from projections.tables import metadata
    >>> engine = create_engine_for("sqlite://")
    >>> metadata.create_all(engine)
    >>> with engine.connect() as conn:
    ...     list_cases(conn, CaseFilter(overdue=True), PageRequest(limit=10)).items
    []
"""

from hub.queries.access import access_log_of
from hub.queries.cases import CaseFilter, find_case, list_cases
from hub.queries.licenses import SignatureChecker, find_license, history, licenses_of, verify
from hub.queries.pages import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from hub.queries.stats import statistics
from hub.queries.statscache import StatisticsCache
from hub.queries.tasks import AttentionCount, TaskFilter, attention, count_attention, list_tasks

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "AttentionCount",
    "CaseFilter",
    "PageRequest",
    "SignatureChecker",
    "StatisticsCache",
    "TaskFilter",
    "access_log_of",
    "attention",
    "count_attention",
    "find_case",
    "find_license",
    "history",
    "licenses_of",
    "list_cases",
    "list_tasks",
    "statistics",
    "verify",
]
