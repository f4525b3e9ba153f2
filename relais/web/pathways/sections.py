"""Sections of the person page owned by the pathways domain."""

SECTIONS: list = []
