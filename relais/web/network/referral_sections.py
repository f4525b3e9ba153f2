"""Sections of the person page owned by the network domain (referral)."""

SECTIONS: list = []
