"""The demo of ``make demo``: the hub at work on simulated departments and applicants.

:mod:`~hub.demo.run` starts the hub as ``onewindow up`` does, in its own data folder, with
the departments of :mod:`~hub.demo.departments` (simulator connectors from
:mod:`connectors.simulators`) and the applicants of :mod:`~hub.demo.stream` arriving at
the one window (:mod:`~hub.demo.window`), all on one simulated clock; the conductor
(:mod:`~hub.demo.conductor`) shows progress and ends with the summary of
:mod:`~hub.demo.summary`, read from the database::

    onewindow demo --applications 200 --exit --json
"""
