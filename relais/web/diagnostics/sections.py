"""Sections of the person page owned by the diagnostics domain."""

SECTIONS: list = []
