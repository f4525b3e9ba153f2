"""Yearly statistics of a certification, as the RNCP fiches report them: number certified,
number certified after VAE, insertion rate at 6 months overall and in the trade, and in the
trade at 2 years — from the follow-up surveys recorded per certified candidate.

Counts under 5 are shown « < 5 » and rates resting on a count under 5 are withheld
(`relais.core.disclosure`): these figures go beyond one trainer's own candidates."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from relais.certification.models import AccessRoute, Certification, Enrolment, FollowUpSurvey
from relais.core import disclosure
from relais.core.cells import SafeWriter, neutralise


def shown(count: int) -> str:
    return str(disclosure.suppress(count))


def rate(part: int, whole: int) -> str:
    """A whole percentage, « — » without answers, « n.c. » when either count is under 5."""
    if whole == 0:
        return "—"
    value = disclosure.rate(part, whole)
    return "n.c." if value is None else f"{round(value)}"


@dataclass(frozen=True)
class YearRow:
    year: int
    certified: str
    certified_vae: str
    insertion_6m: str
    trade_6m: str
    trade_2y: str


HEADERS = [
    "Année d'obtention",
    "Nombre de certifiés",
    "Nombre de certifiés à la suite d'un parcours VAE",
    "Taux d'insertion global à 6 mois (%)",
    "Taux d'insertion dans le métier visé à 6 mois (%)",
    "Taux d'insertion dans le métier visé à 2 ans (%)",
]


def yearly(certification: Certification, *, organisation=None) -> list[YearRow]:
    """Two grouped queries whatever the number of candidates (indexes on the enrolment's
    certification and certification date). Grouped by certification *date*, summed by year
    here: a year extracted in SQL is, on SQLite, a Python function called for every row."""
    enrolments = Enrolment.objects.filter(certification=certification, certified_on__isnull=False)
    if organisation is not None:
        enrolments = enrolments.filter(organisation=organisation)
    counts: dict[int, Counter] = defaultdict(Counter)
    for item in (
        enrolments.values("certified_on")
        .annotate(total=Count("pk"), vae=Count("pk", filter=Q(access_route=AccessRoute.VAE)))
        .order_by()
    ):
        counts[item["certified_on"].year].update(total=item["total"], vae=item["vae"])
    answers: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for item in (
        FollowUpSurvey.objects.filter(enrolment__in=enrolments)
        .values("enrolment__certified_on", "months_after")
        .annotate(
            answers=Count("pk"),
            employed=Count("pk", filter=Q(employed=True)),
            trade=Count("pk", filter=Q(in_trade=True)),
        )
        .order_by()
    ):
        key = (item["enrolment__certified_on"].year, item["months_after"])
        answers[key].update(answers=item["answers"], employed=item["employed"], trade=item["trade"])
    rows = []
    for year in sorted(counts, reverse=True):
        six, two = answers[(year, 6)], answers[(year, 24)]
        rows.append(
            YearRow(
                year=year,
                certified=shown(counts[year]["total"]),
                certified_vae=shown(counts[year]["vae"]),
                insertion_6m=rate(six["employed"], six["answers"]),
                trade_6m=rate(six["trade"], six["answers"]),
                trade_2y=rate(two["trade"], two["answers"]),
            )
        )
    return rows


def _cells(row: YearRow) -> list:
    return [
        row.year,
        row.certified,
        row.certified_vae,
        row.insertion_6m,
        row.trade_6m,
        row.trade_2y,
    ]


def as_csv(rows: list[YearRow]) -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(_cells(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[YearRow], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statistiques"
    sheet.append([neutralise(title)])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([neutralise(v) for v in _cells(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["HEADERS", "as_csv", "as_xlsx", "yearly"]
