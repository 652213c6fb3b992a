"""Finding the commands a guide shows, in fenced and indented code blocks."""

from hub.testing.docs import documented_commands

GUIDE = """
Run `onewindow up` first (inline code is prose, not a command).

```sh
onewindow topics list   # a comment
ONEWINDOW_API__TRUST=true onewindow up
kubectl exec -n onewindow deploy/worker -- onewindow projections rebuild
```

    onewindow query case "HN 1"
"""


def test_commands_come_from_code_blocks_only_with_their_arguments() -> None:
    assert documented_commands(GUIDE) == [
        ["topics", "list"],
        ["up"],
        ["projections", "rebuild"],
        ["query", "case", "HN 1"],
    ]
