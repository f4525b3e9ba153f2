"""Reads of the territory module's records: every page, API route and service gets the
territories, indicators, analyses, watch entries and labour data of an organisation through
these QuerySets (`Model.objects.of_organisation(org)`), so that no read forgets the
organisation it is scoped to. Imported by `models.py`; no model is imported here."""

from __future__ import annotations

from django.db import connections, models
from django.db.models.expressions import RawSQL

from relais.core.text import fold


def _id(organisation) -> int:
    """An organisation or its id."""
    return getattr(organisation, "pk", organisation)


class OrganisationQuerySet(models.QuerySet):
    def of_organisation(self, organisation):
        return self.filter(organisation_id=_id(organisation))

    def visible_to(self, membership):
        """What a member reads: the records of the organisation they act for, if that
        membership is active (aggregates and the team's notes: every role reads them)."""
        if membership is None or not membership.is_active:
            return self.none()
        return self.of_organisation(membership.organisation_id)


class TerritoryQuerySet(OrganisationQuerySet):
    pass


class IndicatorQuerySet(OrganisationQuerySet):
    def catalogue_of(self, organisation):
        """The indicators an organisation sees: its own and the shared ones (no
        organisation)."""
        return self.filter(
            models.Q(organisation__isnull=True) | models.Q(organisation_id=_id(organisation))
        )

    def counts(self):
        """Indicators that add up over communes: the only possible denominators of a rate."""
        return self.filter(aggregation="sum")


class PoolingAgreementQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class NeedsAnalysisQuerySet(OrganisationQuerySet):
    pass


class LabourDatasetQuerySet(OrganisationQuerySet):
    pass


MAX_WORDS = 10


class WatchItemQuerySet(OrganisationQuerySet):
    def search(self, text: str):
        """Every word (accents and case folded) in the title, source, summary or tags (the
        `search_key` the services write)."""
        found = self
        for word in fold(text or "").split()[:MAX_WORDS]:
            found = found.filter(search_key__contains=word)
        return found

    def with_theme(self, theme: str):
        return self.filter(theme=theme) if theme else self

    def in_territory(self, territory):
        return self.filter(territory_id=_id(territory)) if territory else self

    def tagged(self, tag: str):
        """Entries carrying exactly this tag (tags are stored lower-case). PostgreSQL
        answers with the JSON containment operator; SQLite, which Django's `contains` does
        not support on JSON, through its `json_each` table function."""
        tag = (tag or "").strip().lower()
        if not tag:
            return self
        if connections[self.db].vendor == "postgresql":
            return self.filter(tags__contains=[tag])
        table = self.model._meta.db_table
        sql = f'SELECT w.id FROM "{table}" w, json_each(w.tags) t WHERE t.value = %s'  # noqa: S608 (name from the model)
        return self.filter(pk__in=RawSQL(sql, [tag]))  # noqa: S611 (the tag is a parameter)

    def for_list(self):
        return self.select_related("territory", "created_by")
