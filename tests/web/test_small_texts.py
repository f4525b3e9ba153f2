"""French of the texts built from data: no « en tant que accueil », « Rôle de accueil.ccas »,
« Besoin d'etre guidé », and no raw codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from relais.accounts.models import Role
from relais.diagnostics.domains import FT_FILE
from relais.web.templatetags.relais_tags import de
from tests.factories import MembershipFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db
RELAIS = Path(__file__).resolve().parents[2] / "relais"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anne", "d'Anne"),
        ("Élan Emploi", "d'Élan Emploi"),
        ("accueil.ccas@relais.localhost", "d'accueil.ccas@relais.localhost"),
        ("DUPONT Jean", "de DUPONT Jean"),
        ("Yann", "de Yann"),
        ("", "de "),
    ],
)
def test_de_is_elided_before_a_vowel(name, expected):
    assert de(name) == expected


def test_home_names_the_role_of_reception_in_good_french(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.STAFF).user
    login_verified(client, user)
    text = page_text(client.get("/"))
    assert "en tant que accueil" not in text
    assert "avec le rôle « Accueil / assistant administratif »" in text


def test_changing_the_role_of_reception_says_it_in_good_french(manager_client, organisation):
    membership = MembershipFactory(
        organisation=organisation, role=Role.REFERENT, user__email="accueil.ccas@exemple.fr"
    )
    page = page_text(manager_client.get("/structure/membres/"))
    assert "Rôle de accueil" not in page
    assert "Rôle du compte accueil.ccas@exemple.fr" in page
    response = manager_client.post(
        f"/structure/membres/{membership.pk}/role/", {"role": Role.STAFF}, follow=True
    )
    text = page_text(response)
    assert "Rôle de accueil" not in text
    assert "rôle changé en « Accueil / assistant administratif »" in text


def test_invitation_mail_names_the_role_in_good_french(
    organisation, manager, django_capture_on_commit_callbacks
):
    from relais.accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            organisation=organisation,
            email="nouvel.accueil@exemple.fr",
            role=Role.STAFF,
            invited_by=manager,
        )
    body = mail.outbox[-1].body
    assert "en tant que" not in body
    assert "avec le rôle « Accueil / assistant administratif »" in body


def test_diagnostic_labels_have_their_accents():
    labels = re.findall(r'"label": "([^"]*)"', FT_FILE.read_text())
    assert "Besoin d'être guidé dans le cadre d'un accès aux droits" in labels
    assert not [label for label in labels if re.search(r"\b(etre|a partir|deja)\b", label)]


# Mistakes a reader sees at once; the templates and the Python strings are searched for them.
MISTAKES = [
    (r"\bd[e']\s?(?:etre|a partir)\b", "accent"),
    (r"\b(?:etre|deja|a partir de)\b", "accent"),
    (r"\ben tant que \{\{", "« en tant que » before a value (« en tant que accueil »)"),
    (r"\b[Dd]e \{\{[^}]*(?:email|role)[^}]*\}\}", "« de » before an address or a role"),
]


def test_no_known_mistake_in_templates_and_messages():
    found = []
    for path in RELAIS.rglob("*"):
        if path.suffix not in (".html", ".txt", ".py") or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # Slugs of data·inclusion (« bien-etre-confiance-en-soi ») are identifiers.
            text = re.sub(r"[\w-]*-[\w-]*", "", line)
            for pattern, why in MISTAKES:
                if re.search(pattern, text):
                    found.append(f"{path.relative_to(RELAIS)}:{number}: {why}: {line.strip()}")
    assert found == []


def test_every_form_shows_the_shared_error_summary():
    """Each page with a form to fill in includes the error summary that lists and links
    each field in error (includes/form_errors.html, or its list for the diagnostic)."""
    missing = []
    for path in (RELAIS / "web" / "templates").rglob("*.html"):
        text = path.read_text()
        fills_in = 'method="post"' in text and "dsfr_field" in text
        summary = "includes/form_errors.html" in text or "includes/error_links.html" in text
        if fills_in and not summary:
            missing.append(str(path.relative_to(RELAIS)))
    # The caseload's form is a selection of rows for reassignment, without fields of its own.
    assert missing == ["web/templates/caseload/caseload.html"]
