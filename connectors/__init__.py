"""Connectors: the plugins that meet each department system where it is."""
