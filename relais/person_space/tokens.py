"""The secrets of the space and how they are stored (decision 0008 and 0040).

Links and session keys are long random values: a SHA-256 digest is enough. Codes typed by
the person are short (6 digits, or 10 characters on paper): their digest is keyed with the
project's secret key (HMAC), so a copy of the database alone cannot test the million
possible codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: the paper code is read and typed by hand.
PAPER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAPER_LENGTH = 10


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def keyed_digest(raw: str, *, salt: str) -> str:
    return salted_hmac(f"relais.person_space.{salt}", raw, algorithm="sha256").hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def new_session_key() -> str:
    return secrets.token_urlsafe(32)


def new_numeric_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def new_paper_code() -> str:
    return "".join(secrets.choice(PAPER_ALPHABET) for _ in range(PAPER_LENGTH))


def normalise_code(raw: str) -> str:
    """What the person typed, without spaces, dashes and case."""
    return "".join(c for c in (raw or "").upper() if c.isalnum())


def format_paper_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"
