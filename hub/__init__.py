"""onewindow: the core of an event-sourced data-sharing hub between departments.

Departments publish application and license events; stream processors build shared
case projections and an electronic license store; connectors let every department
reuse what another already holds. This package holds the contracts, serde,
publishing, broker access, settings and the ``onewindow`` command::

    >>> from hub.settings import load_settings
    >>> load_settings().api.port
    8600
"""

__version__ = "0.1.0"
