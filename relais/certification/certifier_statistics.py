"""Statistics of all the certifications of one certifier, per year (the certifier reports
them for its whole offer): certified, certified after VAE, insertion at 6 months overall and
in the trade, in the trade at 2 years — for the candidates of the user's organisation, like
the statistics of one certification (`relais.certification.statistics`).

Small counts: every figure of a certification is suppressed exactly as on that
certification's own page (« < 5 »). A total over a certifier's certifications would give a
hidden figure back when it is the only hidden part (total minus the others, which their own
pages show anyway — so hiding one of those instead, as `disclosure.suppress_lines` would,
protects nothing): such a total is hidden « s ». Rates rest on `disclosure.rate`."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from relais.certification.models import AccessRoute, Certification, Enrolment, FollowUpSurvey
from relais.certification.statistics import rate
from relais.core import disclosure
from relais.core.cells import SafeWriter, neutralise

ALL = "Toutes"

HEADERS = [
    "Certificateur",
    "Année d'obtention",
    "Certification",
    "Nombre de certifiés",
    "Nombre de certifiés à la suite d'un parcours VAE",
    "Taux d'insertion global à 6 mois (%)",
    "Taux d'insertion dans le métier visé à 6 mois (%)",
    "Taux d'insertion dans le métier visé à 2 ans (%)",
]


@dataclass(frozen=True)
class Row:
    certifier: str
    year: int
    certification: str  # a code, or ALL for the certifier's total
    certified: str
    certified_vae: str
    insertion_6m: str
    trade_6m: str
    trade_2y: str

    @property
    def is_total(self) -> bool:
        return self.certification == ALL

    def cells(self) -> list:
        return [
            self.certifier,
            self.year,
            "Toutes ses certifications" if self.is_total else self.certification,
            self.certified,
            self.certified_vae,
            self.insertion_6m,
            self.trade_6m,
            self.trade_2y,
        ]


@dataclass(frozen=True)
class CertifierTable:
    certifier: str
    codes: list[str]
    rows: list[Row]


def _total(parts: list[int]) -> str:
    """A certifier's total. Small itself: « < 5 ». With exactly one part hidden, the total
    minus the parts shown (on this page or on their certifications' pages) would give it
    back: hidden « s ». With two hidden parts or more, it gives only their sum: shown."""
    total = sum(parts)
    if not disclosure.is_small(total) and sum(disclosure.is_small(p) for p in parts) == 1:
        return str(disclosure.Figure(None, suppressed=True, secondary=True))
    return str(disclosure.suppress(total))


def certifier_key(certification: Certification) -> str:
    return (certification.certifier_name or "Certificateur non renseigné").strip()


def by_certifier(organisation) -> list[CertifierTable]:
    """Two grouped queries whatever the number of candidates or certifications."""
    enrolments = Enrolment.objects.filter(organisation=organisation, certified_on__isnull=False)
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for item in (
        enrolments.values("certification_id", "certified_on")
        .annotate(total=Count("pk"), vae=Count("pk", filter=Q(access_route=AccessRoute.VAE)))
        .order_by()
    ):
        key = (item["certification_id"], item["certified_on"].year)
        counts[key].update(total=item["total"], vae=item["vae"])
    answers: dict[tuple[int, int, int], Counter] = defaultdict(Counter)
    for item in (
        FollowUpSurvey.objects.filter(enrolment__in=enrolments)
        .values("enrolment__certification_id", "enrolment__certified_on", "months_after")
        .annotate(
            answers=Count("pk"),
            employed=Count("pk", filter=Q(employed=True)),
            trade=Count("pk", filter=Q(in_trade=True)),
        )
        .order_by()
    ):
        key = (
            item["enrolment__certification_id"],
            item["enrolment__certified_on"].year,
            item["months_after"],
        )
        answers[key].update(answers=item["answers"], employed=item["employed"], trade=item["trade"])
    certifications = {
        c.pk: c
        for c in Certification.objects.filter(pk__in={pk for pk, _year in counts}).only(
            "pk", "code", "certifier_name"
        )
    }
    groups: dict[str, list[Certification]] = defaultdict(list)
    for certification in certifications.values():
        groups[certifier_key(certification)].append(certification)
    tables = []
    for certifier in sorted(groups, key=str.casefold):
        members = sorted(groups[certifier], key=lambda c: c.code)
        years = sorted({year for pk, year in counts if pk in {c.pk for c in members}}, reverse=True)
        rows = []
        for year in years:
            present = [c for c in members if (c.pk, year) in counts]
            totals = [counts[(c.pk, year)]["total"] for c in present]
            vaes = [counts[(c.pk, year)]["vae"] for c in present]
            six, two = Counter(), Counter()
            for c in present:
                six.update(answers[(c.pk, year, 6)])
                two.update(answers[(c.pk, year, 24)])
            rows.append(
                Row(
                    certifier,
                    year,
                    ALL,
                    _total(totals),
                    _total(vaes),
                    rate(six["employed"], six["answers"]),
                    rate(six["trade"], six["answers"]),
                    rate(two["trade"], two["answers"]),
                )
            )
            for c in present:
                count = counts[(c.pk, year)]
                six_c, two_c = answers[(c.pk, year, 6)], answers[(c.pk, year, 24)]
                rows.append(
                    Row(
                        certifier,
                        year,
                        c.code,
                        str(disclosure.suppress(count["total"])),
                        str(disclosure.suppress(count["vae"])),
                        rate(six_c["employed"], six_c["answers"]),
                        rate(six_c["trade"], six_c["answers"]),
                        rate(two_c["trade"], two_c["answers"]),
                    )
                )
        tables.append(CertifierTable(certifier, [c.code for c in members], rows))
    return tables


def any_secondary(tables: list[CertifierTable]) -> bool:
    return any(
        disclosure.SECONDARY_LABEL in (r.certified, r.certified_vae) for t in tables for r in t.rows
    )


def as_csv(tables: list[CertifierTable]) -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for table in tables:
        for row in table.rows:
            writer.writerow(row.cells())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(tables: list[CertifierTable], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statistiques"
    sheet.append([neutralise(title)])
    sheet.append(HEADERS)
    for table in tables:
        for row in table.rows:
            sheet.append([neutralise(v) for v in row.cells()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
