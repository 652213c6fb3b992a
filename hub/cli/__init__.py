"""The ``onewindow`` command: ``onewindow <noun> <verb>``, ``--help`` everywhere.

Exit codes: 0 on success, 1 on a finding (invalid input, incompatible schema),
2 on usage errors and invalid settings.
"""
