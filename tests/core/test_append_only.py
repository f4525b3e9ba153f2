"""The access journal and the security events are written once and never changed: the model
layer refuses it, and on PostgreSQL a trigger refuses raw SQL too."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from relais.accounts.models import SecurityEvent, SecurityEventKind
from relais.core.errors import AppendOnlyError
from relais.core.models import AccessLogEntry
from tests.factories import AccessLogEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Le déclencheur « ajout seul » n'existe que sur PostgreSQL (SQLite : protection par le modèle seulement).",
)


def make_entry() -> AccessLogEntry:
    return AccessLogEntryFactory()


def make_event() -> SecurityEvent:
    return SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, user=UserFactory())


MODELS = [
    pytest.param(make_entry, "summary", id="AccessLogEntry"),
    pytest.param(make_event, "detail", id="SecurityEvent"),
]


@pytest.mark.parametrize(("make", "field"), MODELS)
class TestModelLayer:
    def test_created_once(self, make, field):
        record = make()
        assert type(record).objects.filter(pk=record.pk).exists()

    def test_save_after_create_is_refused(self, make, field):
        record = make()
        setattr(record, field, "réécrit")
        with pytest.raises(AppendOnlyError, match="ajout seul : modification interdite"):
            record.save()
        record.refresh_from_db()
        assert getattr(record, field) != "réécrit"

    def test_delete_is_refused(self, make, field):
        record = make()
        with pytest.raises(AppendOnlyError, match="suppression interdite"):
            record.delete()
        assert type(record).objects.filter(pk=record.pk).exists()

    def test_queryset_update_is_refused(self, make, field):
        record = make()
        with pytest.raises(AppendOnlyError):
            type(record).objects.filter(pk=record.pk).update(**{field: "réécrit"})
        with pytest.raises(AppendOnlyError):
            type(record).objects.all().update(**{field: "réécrit"})

    def test_bulk_update_is_refused(self, make, field):
        record = make()
        setattr(record, field, "réécrit")
        with pytest.raises(AppendOnlyError):
            type(record).objects.bulk_update([record], [field])

    def test_queryset_delete_is_refused(self, make, field):
        record = make()
        with pytest.raises(AppendOnlyError):
            type(record).objects.filter(pk=record.pk).delete()
        with pytest.raises(AppendOnlyError):
            type(record).objects.all().delete()
        assert type(record).objects.filter(pk=record.pk).exists()


@only_postgresql
@pytest.mark.parametrize(("make", "field"), MODELS)
class TestPostgresqlTrigger:
    def test_raw_update_is_refused(self, make, field):
        record = make()
        table = record._meta.db_table
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {table} SET {field} = %s WHERE id = %s", ["x", record.pk])
        record.refresh_from_db()
        assert getattr(record, field) != "x"

    def test_raw_delete_is_refused(self, make, field):
        record = make()
        table = record._meta.db_table
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [record.pk])
        assert type(record).objects.filter(pk=record.pk).exists()

    def test_raw_insert_is_allowed(self, make, field):
        record = make()
        before = type(record).objects.count()
        type(record).objects.bulk_create([type(record)(**self._copy(record))])
        assert type(record).objects.count() == before + 1

    @staticmethod
    def _copy(record) -> dict:
        return {
            f.attname: getattr(record, f.attname)
            for f in record._meta.concrete_fields
            if not f.primary_key
        }
