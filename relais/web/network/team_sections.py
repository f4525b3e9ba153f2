"""Sections of the person page owned by the network domain (team)."""

SECTIONS: list = []
