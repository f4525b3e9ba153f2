"""Writes of the watch log (veille): the team's dated entries, which the needs analysis
cites as « [veille 12] ».

Who: référents and managers add entries; an entry is then changed or deleted by its author
or by a manager of the organisation (`policies.can_change_watch_item`); every member reads
them; another organisation never sees them.

Concurrent edits: `WatchItem` has no `version` (adding one needs a migration), so an edit
carries the `updated_at` the user started from and is applied only if the row still has it
(one `UPDATE … WHERE updated_at = …`); otherwise nothing is written and the page keeps the
user's input (StaleObjectError).

Deleting an entry that an analysis cites is refused, naming the analyses: the ABS is a
document presented to the board, and its « Veille citée » list would silently lose a source
while the text still reads « [veille 12] ». Removing the citation first is a deliberate act
of whoever writes the analysis."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.text import fold
from relais.territory.models import NeedsAnalysis, Territory, Theme, WatchItem
from relais.territory.policies import can_change_watch_item, can_contribute
from relais.territory.report import CITATION, SECTIONS
from relais.territory.services import MultipleErrors

MAX_TAGS = 20
MAX_TAG = 50


def watch_key(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


def clean_tags(tags: list[str] | None) -> list[str]:
    """Lower-case, without blanks or duplicates, sorted; 20 at most."""
    found = {t.strip().lower() for t in (tags or []) if t.strip()}
    too_long = sorted(t for t in found if len(t) > MAX_TAG)
    if too_long:
        raise DomainError(
            f"Un mot-clé fait {MAX_TAG} caractères au plus : « {too_long[0][:60]}… ».",
            field="tags",
        )
    return sorted(found)[:MAX_TAGS]


def _values(
    membership: Membership,
    *,
    published_on: dt.date,
    title: str,
    source: str,
    url: str,
    summary: str,
    tags: list[str] | None,
    theme: str,
    territory: Territory | None,
) -> dict:
    """The entry's fields, checked; every error at once."""
    title, source = (title or "").strip(), (source or "").strip()
    errors: list[DomainError] = []
    if not title:
        errors.append(DomainError("Donnez un titre.", field="title"))
    if not source:
        errors.append(DomainError("Indiquez la source.", field="source"))
    if published_on > timezone.localdate():
        errors.append(DomainError("La date ne peut pas être dans le futur.", field="published_on"))
    if theme and theme not in Theme.values:
        errors.append(DomainError("Thème inconnu.", field="theme"))
    if territory is not None and territory.organisation_id != membership.organisation_id:
        errors.append(DomainError("Territoire inconnu.", field="territory"))
    try:
        tags = clean_tags(tags)
    except DomainError as error:
        errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    summary = (summary or "").strip()
    return {
        "published_on": published_on,
        "title": title,
        "source": source,
        "url": (url or "").strip(),
        "summary": summary,
        "tags": tags,
        "theme": theme or "",
        "territory": territory,
        "search_key": watch_key(title, source, summary, " ".join(tags)),
    }


@transaction.atomic
def watch_item_create(
    *,
    membership: Membership,
    published_on: dt.date,
    title: str,
    source: str,
    url: str = "",
    summary: str = "",
    tags: list[str] | None = None,
    theme: str = "",
    territory: Territory | None = None,
) -> WatchItem:
    if not can_contribute(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'alimenter la veille.")
    values = _values(
        membership,
        published_on=published_on,
        title=title,
        source=source,
        url=url,
        summary=summary,
        tags=tags,
        theme=theme,
        territory=territory,
    )
    return WatchItem.objects.create(
        organisation_id=membership.organisation_id, created_by=membership.user, **values
    )


@transaction.atomic
def watch_item_update(
    *,
    membership: Membership,
    item: WatchItem,
    expected_updated_at: dt.datetime,
    published_on: dt.date,
    title: str,
    source: str,
    url: str = "",
    summary: str = "",
    tags: list[str] | None = None,
    theme: str = "",
    territory: Territory | None = None,
) -> WatchItem:
    """Applied only if nobody saved the entry since `expected_updated_at` (the value the
    form was shown with)."""
    if not can_change_watch_item(membership, item):
        raise PermissionDenied(
            "Seuls l'auteur de l'entrée et les responsables de la structure la modifient."
        )
    values = _values(
        membership,
        published_on=published_on,
        title=title,
        source=source,
        url=url,
        summary=summary,
        tags=tags,
        theme=theme,
        territory=territory,
    )
    saved = WatchItem.objects.filter(pk=item.pk, updated_at=expected_updated_at).update(
        **values, updated_at=timezone.now()
    )
    if not saved:
        current = WatchItem.objects.filter(pk=item.pk).only("updated_at").first()
        if current is None:
            raise DomainError("Cette entrée a été supprimée entre-temps.")
        raise StaleObjectError(
            "Cette entrée a été modifiée entre-temps, le "
            f"{timezone.localtime(current.updated_at):%d/%m/%Y à %H:%M}. Vos saisies sont "
            "conservées ci-dessous : vérifiez-les au regard de la nouvelle version, puis "
            "enregistrez de nouveau."
        )
    item.refresh_from_db()
    return item


def citing_analyses(item: WatchItem) -> list[NeedsAnalysis]:
    """The organisation's analyses whose text cites the entry (« [veille 12] »). An
    organisation has a handful of analyses (one per territory and year): their texts are
    read here rather than matched in JSON by the database."""
    found = []
    analyses = NeedsAnalysis.objects.of_organisation(item.organisation_id).select_related(
        "territory"
    )
    for analysis in analyses.only("pk", "title", "year", "narratives", "territory__name"):
        for key in SECTIONS:
            if any(
                int(m.group(1)) == item.pk
                for m in CITATION.finditer(analysis.narratives.get(key, "") or "")
            ):
                found.append(analysis)
                break
    return found


@transaction.atomic
def watch_item_delete(*, membership: Membership, item: WatchItem) -> None:
    """Refused while an analysis cites the entry (module docstring)."""
    if not can_change_watch_item(membership, item):
        raise PermissionDenied(
            "Seuls l'auteur de l'entrée et les responsables de la structure la suppriment."
        )
    citing = citing_analyses(item)
    if citing:
        names = ", ".join(f"« {a.title} »" for a in citing)
        which = "l'analyse" if len(citing) == 1 else "les analyses"
        raise DomainError(
            f"Cette entrée est citée ([veille {item.pk}]) dans {which} {names} : retirez "
            "d'abord la citation du texte, puis supprimez l'entrée."
        )
    WatchItem.objects.filter(pk=item.pk).delete()
