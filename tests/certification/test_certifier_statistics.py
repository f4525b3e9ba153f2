"""Statistics of all the certifications of a certifier, per year, with small counts
suppressed and the certifier's totals protected."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relais.accounts.models import Role
from relais.certification import certifier_statistics as stats
from relais.certification.models import AccessRoute, BodyKind, FollowUpSurvey
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, body_member, referential
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def certified(organisation, code, year, n, *, vae=0, employed=0):
    made = []
    for index in range(n):
        enrolment = EnrolmentFactory(
            candidate__organisation=organisation,
            certification=referential(code),
            status="certified",
            certified_on=dt.date(year, 6, 1),
            access_route=AccessRoute.VAE if index < vae else AccessRoute.CONTINUING,
        )
        FollowUpSurvey.objects.create(
            enrolment=enrolment,
            months_after=6,
            employed=index < employed,
            in_trade=index < employed,
            answered_on=dt.date(year, 12, 15),
        )
        made.append(enrolment)
    return made


@pytest.fixture
def manager():
    return body_member(BodyKind.CERTIFIER, Role.MANAGER)


def _rows(tables, certifier):
    table = next(t for t in tables if t.certifier == certifier)
    return {(r.year, r.certification): r for r in table.rows}


def test_certifications_grouped_by_certifier_with_totals(manager):
    org = manager.organisation
    certified(org, "RNCP41885", 2025, 6, vae=3, employed=5)
    certified(org, "RNCP37504", 2025, 2)
    certified(org, "RNCP41885", 2024, 5, vae=5, employed=5)
    certified(org, "RNCP37504", 2024, 5)
    certified(org, "RNCP41885", 2023, 3)
    certified(org, "RNCP37504", 2023, 3)
    certified(org, "RNCP41885", 2022, 2)
    certified(org, "RNCP16575", 2025, 7, vae=7)
    certified(body_member(BodyKind.CERTIFIER).organisation, "RNCP41885", 2025, 9)
    tables = stats.by_certifier(org)
    assert [t.certifier for t in tables] == ["AROBASE INGENIERIE", "Centre ressource AROBASE"]
    arobase = _rows(tables, "AROBASE INGENIERIE")
    assert [key for key in arobase] == [
        (2025, stats.ALL),
        (2025, "RNCP37504"),
        (2025, "RNCP41885"),
        (2024, stats.ALL),
        (2024, "RNCP37504"),
        (2024, "RNCP41885"),
        (2023, stats.ALL),
        (2023, "RNCP37504"),
        (2023, "RNCP41885"),
        (2022, stats.ALL),
        (2022, "RNCP41885"),
    ]
    # 2025: RNCP37504 has 2 certified (« < 5 »): the total would give it back, hidden « s ».
    assert arobase[(2025, "RNCP41885")].certified == "6"
    assert arobase[(2025, "RNCP41885")].certified_vae == "< 5"
    assert arobase[(2025, "RNCP37504")].certified == "< 5"
    total = arobase[(2025, stats.ALL)]
    assert (total.certified, total.certified_vae) == ("s", "< 5")  # 3 VAE: small itself
    assert arobase[(2025, "RNCP41885")].insertion_6m == "83"
    assert arobase[(2025, "RNCP37504")].insertion_6m == "n.c."
    # 2024: nothing small, the totals are shown (another organisation's candidates are not).
    total = arobase[(2024, stats.ALL)]
    assert (total.certified, total.certified_vae, total.insertion_6m) == ("10", "5", "50")
    # Two hidden parts: the total gives only their sum, shown; a small total is « < 5 ».
    assert arobase[(2023, stats.ALL)].certified == "6"
    assert arobase[(2023, "RNCP41885")].certified == "< 5"
    assert arobase[(2022, stats.ALL)].certified == "< 5"
    other = _rows(tables, "Centre ressource AROBASE")
    assert other[(2025, stats.ALL)].certified == "7" == other[(2025, stats.ALL)].certified_vae
    assert stats.any_secondary(tables)


def test_queries_do_not_grow_with_candidates_or_certifications(manager):
    org = manager.organisation
    certified(org, "RNCP41885", 2025, 1)
    few = count_queries(lambda: stats.by_certifier(org))
    certified(org, "RNCP41885", 2024, 6)
    certified(org, "RNCP37504", 2025, 3)
    certified(org, "RNCP16575", 2023, 4)
    certified(org, "RS-REFERENT-PARCOURS", 2022, 2)
    assert count_queries(lambda: stats.by_certifier(org)) == few


def test_page_exports_and_access(client, manager):
    certified(manager.organisation, "RNCP41885", 2025, 6, vae=3)
    login_verified(client, manager.user)
    home = page_text(client.get(reverse("certification:home")))
    url = reverse("certification:certifier_statistics")
    assert url in home
    page = client.get(url)
    text = page_text(page)
    assert "AROBASE INGENIERIE" in text and "Toutes ses certifications" in text
    assert reverse("certification:statistics", args=["RNCP41885"]) in text
    csv = client.get(url, {"format": "csv"})
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeffCertificateur;Année d'obtention;Certification;")
    assert "AROBASE INGENIERIE;2025;RNCP41885;6;< 5;" in body
    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == "Certificateur"
    assert sheet.cell(3, 3).value == "Toutes ses certifications"
    referent = MembershipFactory(organisation=manager.organisation, role=Role.REFERENT)
    client.logout()
    login_verified(client, referent.user)
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "csv"}).status_code == 403


def test_page_without_certified_candidates(client, manager):
    login_verified(client, manager.user)
    answer = client.get(reverse("certification:certifier_statistics"))
    assert "Aucun certifié pour le moment." in page_text(answer)
