"""Sections of the person page owned by the network domain (eligibility)."""

SECTIONS: list = []
