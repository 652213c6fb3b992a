"""Department simulators: the demo's and the end-to-end tests' government departments.

Each is a sink connector run by the SDK's runner like any department's: it consumes its
tasks, plans answers with seeded-random outcomes and delays on its own desk (a table in
its own database), and sends them when the simulated clock reaches them, through the
channel a real department of its kind would use — producing to Kafka, writing its outbox
table (relayed by the ``outbox`` connector) or dropping JSON-lines files (read by
``file-import`` connectors)::

    from connectors.running import build_runner

    config = {"topics": [...], "department": "MR", "database_url": "sqlite:///mr.db", ...}
    with build_runner("simulated-department", config, settings, bootstrap) as runner:
        runner.run(stop)
"""

from connectors.simulators.applicant import ApplicantConfig, ApplicantSimulator, breaches
from connectors.simulators.clock import ScaledClock
from connectors.simulators.department import ANSWER_TYPES, DepartmentConfig, DepartmentSimulator

__all__ = [
    "ANSWER_TYPES",
    "ApplicantConfig",
    "ApplicantSimulator",
    "DepartmentConfig",
    "DepartmentSimulator",
    "ScaledClock",
    "breaches",
]
