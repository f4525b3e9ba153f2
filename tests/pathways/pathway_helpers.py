"""Shared builders for the pathway tests (plain functions, not fixtures: the tests of
notes and appointments live in the same folder with their own fixtures)."""

from __future__ import annotations

import datetime as dt
import re
import zlib

from django.utils import timezone

from tests.factories import GoalFactory, PathwayFactory, PersonFactory, StepFactory


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def make_pathway(referent, organisation=None, **kwargs):
    """A pathway of a new person of the référent's organisation, led by the référent."""
    if organisation is None:
        organisation = referent.memberships.get().organisation
    person = kwargs.pop("person", None) or PersonFactory(organisation=organisation)
    return PathwayFactory(person=person, referent=referent, **kwargs)


def make_plan(pathway, goals: int, steps_per_goal: int) -> None:
    for g in range(goals):
        goal = GoalFactory(pathway=pathway, text=f"Objectif {g}")
        for s in range(steps_per_goal):
            StepFactory(pathway=pathway, goal=goal, title=f"Étape {g}.{s}")


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TITLE = re.compile(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9a-fA-F]+>)")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        if data.startswith(b"\xfe\xff"):
            return data[2:].decode("utf-16-be")
        return data.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")


def pdf_title(pdf: bytes) -> str:
    """The document title from the PDF's metadata (the /Title of the dictionary holding
    /Producer, not a bookmark's), wherever WeasyPrint put it (plain or in a compressed
    object stream), decoded from PDF string syntax. No external tool needed."""
    chunks = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    for chunk in chunks:
        for found in _TITLE.finditer(chunk):
            before = chunk[max(0, found.start() - 400) : found.start()]
            if b"/Producer" in before[before.rfind(b"<<") :]:
                return _decode(found.group(1))
    return ""
