"""Right of access: the person's own requests and the postponements of the erasure of
their record are part of what is held about them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from relais.records import export
from relais.records.models import RetentionHold, RightsRequest
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_requests_and_postponements_are_exported(organisation, manager):
    person = PersonFactory(organisation=organisation)
    RightsRequest.objects.create(
        organisation=organisation,
        person=person,
        kind="rectification",
        received_on=dt.date(2026, 3, 2),
        details="Corriger l'orthographe du nom",
        due_on=dt.date(2026, 4, 2),
        recorded_by=manager,
    )
    RetentionHold.objects.create(
        person=person, until=dt.date(2028, 1, 1), reason="Recours en cours", decided_by=manager
    )
    data = export.as_json(export.person_export(person, actor=manager))
    rights = data["Demandes d'effacement, de rectification et conservation"]
    text = json.dumps(rights, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert "Corriger l'orthographe du nom" in text
    assert "Recours en cours" in text
    assert export.render_pdf(export.person_export(person, actor=manager)).startswith(b"%PDF")
