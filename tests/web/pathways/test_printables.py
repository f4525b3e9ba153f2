"""Printable diagnostic and review (PDF with signature lines), and the scan of a signed
contract: attached at the signature or later, listed on the contract page, downloaded with
permission and journal; bad files refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry
from relais.diagnostics import printing
from relais.pathways import reviews
from relais.pathways.models import Contract, GoalReview
from relais.people.models import Document
from tests.factories import (
    ContractFactory,
    DiagnosticFactory,
    DomainAssessmentFactory,
    GoalFactory,
    MembershipFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
)
from tests.helpers import login_verified, page_text
from tests.pathways.pathway_helpers import make_pathway, today
from tests.pdfs import pdf_title
from tests.people import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Martin",
        first_names="Léa",
        sex="F",
        birth_date=dt.date(1990, 5, 4),
    )


@pytest.fixture
def diagnostic(person, referent):
    diagnostic = DiagnosticFactory(
        person=person,
        author=referent,
        assessed_on=dt.date(2026, 11, 2),
        urgency=1,
        urgency_suggested=1,
    )
    DomainAssessmentFactory(
        diagnostic=diagnostic,
        domain="housing",
        difficulty=3,
        situation="Hébergée chez une amie.",
        strengths="Très motivée",
        barriers=["FT24"],
        person_words="Un logement à moi.",
    )
    return diagnostic


def diagnostic_pdf_url(diagnostic):
    return reverse("diagnostics:pdf", args=[diagnostic.person_id, diagnostic.pk])


# --- Diagnostic ------------------------------------------------------------------------------


def test_diagnostic_pdf_download_is_journaled(referent_client, diagnostic):
    response = referent_client.get(diagnostic_pdf_url(diagnostic))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pdf_title(response.content) == "Diagnostic partagé du 02/11/2026 — MARTIN Léa"
    assert 'filename="diagnostic-' in response["Content-Disposition"]
    entry = AccessLogEntry.objects.get(action="export")
    assert (entry.target_type, entry.person_id) == ("diagnostics.diagnostic", diagnostic.person_id)
    page = page_text(
        referent_client.get(
            reverse("diagnostics:detail", args=[diagnostic.person_id, diagnostic.pk])
        )
    )
    assert diagnostic_pdf_url(diagnostic) in page


def test_diagnostic_printable_content(diagnostic):
    from relais.core import pdf

    html = pdf.render_html("diagnostics/diagnostic_pdf.html", printing.printable(diagnostic))
    assert "MARTIN Léa, née le 04/05/1990" in html
    assert "Logement" in html and "3 — difficulté bloquante" in html
    assert "Sans hébergement" in html  # the barrier's label, not its code
    assert "FT24" not in html
    assert "Un logement à moi." in html
    assert "Domaines non abordés" in html
    assert html.count("Date et signature") == 2


@pytest.mark.parametrize(("sex", "word"), [("F", "née"), ("M", "né"), ("", "née ou né")])
def test_born_word_follows_the_recorded_sex(sex, word):
    assert printing.born_word(sex) == word


def test_diagnostic_pdf_refused_to_staff_and_other_organisations(
    client, staff_member, diagnostic, other_organisation
):
    login_verified(client, staff_member)
    assert client.get(diagnostic_pdf_url(diagnostic)).status_code == 403
    login_verified(client, MembershipFactory(organisation=other_organisation).user)
    assert client.get(diagnostic_pdf_url(diagnostic)).status_code == 404
    assert not AccessLogEntry.objects.filter(action="export").exists()


# --- Review ----------------------------------------------------------------------------------


@pytest.fixture
def review(person, referent):
    pathway = make_pathway(referent, person=person, scheme="plie")
    goal = GoalFactory(pathway=pathway, text="Obtenir le permis B")
    review = ReviewFactory(
        pathway=pathway,
        author=referent,
        held_on=dt.date(2026, 11, 20),
        adjustments="Ajouter une étape de code.",
        person_view="Je suis contente.",
        next_review_on=dt.date(2027, 2, 20),
    )
    GoalReview.objects.create(review=review, goal=goal, result="partly", gap="Examen reporté.")
    return review


def review_pdf_url(review):
    return reverse("pathways:review_pdf", args=[review.pathway.person_id, review.pk])


def test_review_pdf_download_is_journaled(referent_client, review):
    response = referent_client.get(review_pdf_url(review))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert pdf_title(response.content) == "Bilan du 20/11/2026 — MARTIN Léa"
    entry = AccessLogEntry.objects.get(action="export")
    assert (entry.target_type, entry.person_id) == ("pathways.review", review.pathway.person_id)
    detail = page_text(
        referent_client.get(
            reverse("pathways:review_detail", args=[review.pathway.person_id, review.pk])
        )
    )
    assert review_pdf_url(review) in detail


def test_review_printable_content(review):
    from relais.core import pdf

    html = pdf.render_html("pathways/review_pdf.html", reviews.printable(review))
    assert "Obtenir le permis B" in html and "Partiellement atteint" in html
    assert "Examen reporté." in html
    assert "Ajouter une étape de code." in html and "Je suis contente." in html
    assert "20/02/2027" in html
    assert "née le 04/05/1990" in html
    assert html.count("Date et signature") == 2


def test_review_of_another_person_is_404(referent_client, review, organisation, referent):
    other = PersonFactory(organisation=organisation)
    url = reverse("pathways:review_pdf", args=[other.pk, review.pk])
    assert referent_client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(action="denied").exists()


# --- The scan of the signed contract -------------------------------------------------------------


@pytest.fixture
def contract(person, referent):
    pathway = make_pathway(referent, person=person)
    goal = GoalFactory(pathway=pathway)
    StepFactory(pathway=pathway, goal=goal)
    return ContractFactory(pathway=pathway)


def contract_url(contract, name, **kwargs):
    pathway = contract.pathway
    return reverse(
        f"pathways:{name}",
        kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk, **kwargs},
    )


def sign(client, contract, **extra):
    data = {"signed_on": today().isoformat(), "signature_mode": "handwritten", **extra}
    return client.post(contract_url(contract, "contract_sign", number=contract.number), data)


def test_scan_attached_at_signature_is_listed_and_downloadable(referent_client, contract):
    response = sign(
        referent_client, contract, file=files.upload("contrat signé.pdf", files.PDF_BYTES)
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_on == today()
    document = contract.signed_scan
    assert document.kind == "contract"
    assert document.person_id == contract.pathway.person_id
    assert document.title == f"Contrat d'engagement v{contract.number} signé le {today():%d/%m/%Y}"
    entry = AccessLogEntry.objects.filter(action="update", target_type="pathways.contract").get()
    assert "contrat signé numérisé joint" in entry.summary
    page = referent_client.get(contract_url(contract, "contract")).content.decode()
    download = reverse("people:document_download", args=[contract.pathway.person_id, document.pk])
    assert download in page
    assert 'data-testid="contract-scan-form"' not in page  # already there
    got = referent_client.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == files.PDF_BYTES
    assert AccessLogEntry.objects.filter(
        action="view", target_type="people.document", summary="téléchargement"
    ).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.pdf", files.EXE_BYTES, "programme exécutable"),
        ("contrat.docx", files.DOCX_BYTES, "déposez le contrat signé numérisé, en PDF ou en image"),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("photo.png", files.JPEG_BYTES, "renommez-le"),
    ],
)
def test_bad_scan_signs_nothing(referent_client, contract, name, data, message):
    response = sign(referent_client, contract, file=files.upload(name, data))
    assert response.status_code == 200
    assert message in page_text(response)
    contract.refresh_from_db()
    assert contract.signed_on is None
    assert not Document.objects.exists()


def test_too_large_scan(referent_client, contract, settings):
    settings.RELAIS_DOCUMENT_MAX_BYTES = 10
    response = sign(referent_client, contract, file=files.upload("c.pdf", files.PDF_BYTES))
    assert "la taille maximale est de" in page_text(response)
    assert Contract.objects.get().signed_on is None


def test_scan_attached_later_then_not_twice(referent_client, contract):
    assert sign(referent_client, contract).status_code == 302
    page = referent_client.get(contract_url(contract, "contract")).content.decode()
    assert 'data-testid="contract-scan-form"' in page
    url = contract_url(contract, "contract_scan", number=contract.number)
    missing = referent_client.post(url, {})
    assert missing.status_code == 400
    assert "Choisissez le fichier du contrat signé." in page_text(missing)
    bad = referent_client.post(url, {"file": files.upload("x.pdf", files.EXE_BYTES)})
    assert bad.status_code == 400
    assert "programme exécutable" in page_text(bad)
    ok = referent_client.post(url, {"file": files.upload("scan.jpg", files.JPEG_BYTES)})
    assert ok.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_scan.content_type == "image/jpeg"
    again = referent_client.post(url, {"file": files.upload("scan.png", files.PNG_BYTES)})
    assert again.status_code == 400
    assert "est déjà joint" in page_text(again)
    assert Document.objects.count() == 1


def test_scan_refused_on_an_unsigned_version(referent_client, contract):
    url = contract_url(contract, "contract_scan", number=contract.number)
    response = referent_client.post(url, {"file": files.upload("scan.pdf", files.PDF_BYTES)})
    assert response.status_code == 400
    assert "Enregistrez d'abord la signature" in page_text(response)
    assert not Document.objects.exists()


def test_staff_cannot_attach_nor_download_the_scan(client, staff_member, referent_client, contract):
    sign(referent_client, contract, file=files.upload("c.pdf", files.PDF_BYTES))
    contract.refresh_from_db()
    login_verified(client, staff_member)
    url = contract_url(contract, "contract_scan", number=contract.number)
    assert client.post(url, {"file": files.upload("s.pdf", files.PDF_BYTES)}).status_code == 403
    download = reverse(
        "people:document_download", args=[contract.pathway.person_id, contract.signed_scan_id]
    )
    assert client.get(download).status_code == 403
