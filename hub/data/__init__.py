"""Versioned reference data shipped with the hub (item catalogue, holiday calendar, ...)."""
