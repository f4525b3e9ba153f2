"""The permission matrix, generated from the URL configuration: every page and API operation,
requested by every kind of user, against one organisation's records of every kind.

Two layers:
- **invariants**, true of every route whatever it does: no server error for anyone; an
  anonymous visitor never gets a
  page or data except from the public routes; a professional of another organisation and a
  platform administrator never get a 2xx from a route that names a person's record, nor from
  the organisation's API;
- **the recorded matrix** (`matrix.py`): the status each role gets on each route. A route
  without a row fails (a new view must be added, and its statuses reviewed); a changed status
  fails until the row is updated. `RELAIS_WRITE_MATRIX=1 pytest tests/security -n 0` rewrites
  the file from what the app answers, to review in the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from pprint import pformat

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from relais.accounts import services
from tests.helpers import login_verified
from tests.security.world import ROLES, build_world

MATRIX_FILE = Path(__file__).with_name("matrix.py")
WRITE = os.environ.get("RELAIS_WRITE_MATRIX") == "1"
SKIPPED_PREFIXES = ("admin/",)  # Django's admin: tests/accounts/test_admin.py
PUBLIC = {
    "healthz",
    "favicon.ico",
    "web:privacy",
    "accounts:login",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:logout",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "api-1:openapi-json",
    "api-1:openapi-view",
    "api-1:api-root",
    "api-1:search",
    "directory:services_json",
    "directory:structure_json",
    "certification:verify",
    "api-1:certification_list",
    "api-1:certification_referential",
    # The person's space signs in through its own pages (relais.web.person_space).
    "space:login",
    "space:code",
    "space:paper",
    "space:link",
    "space:logout",
}
# Routes whose parameters name a person's record (or an object of one).
PERSON_KWARGS = {
    "person_pk",
    "person_id",
    "pathway_id",
    "goal_id",
    "step_id",
    "review_id",
    "diagnostic_pk",
    "diagnostic_id",
    "document_pk",
    "consent_pk",
    "member_pk",
    "conference_pk",
    "number",
    "referral_id",
    "first",
    "second",
    "merge_id",
    "registration_id",
    "incident_id",
    "flag_id",
    "thread_id",
    "report_id",
    "placement_pk",
    "placement_id",
    "checkpoint_pk",
    "candidate_pk",
    "enrolment_pk",
    "candidate_id",
    "enrolment_id",
    "contract_id",
    "appointment_id",
    "document_id",
    "request_id",
}
PERSON_NAMESPACES = (
    "people:",
    "diagnostics:",
    "pathways:",
    "teams:",
    "referrals:",
    "threads:",
    "synthesis:",
    "safety:",
    "employment:",
    "space_admin:",
)


def routes() -> list[tuple[str, str]]:
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                name = namespace + (entry.name or route.strip("/").replace("/", "_"))
                found.setdefault(name, route)

    walk(get_resolver(), "", "")
    return sorted(found.items())


ROUTES = routes()


def _object_for(name: str, kwarg: str, objects: dict):
    namespace = name.split(":")[0]
    by_name = {
        "person_pk": "person",
        "person_id": "person",
        "pathway_id": "pathway",
        "goal_id": "goal",
        "step_id": "step",
        "review_id": "review",
        "diagnostic_pk": "diagnostic",
        "diagnostic_id": "diagnostic",
        "consent_pk": "consent",
        "member_pk": "team_member",
        "conference_pk": "conference",
        "referral_id": "referral",
        "organisation_id": "organisation",
        "document_pk": "document",
        "first": "person",
        "second": "twin",
        "merge_id": "merge",
        "search_id": "duplicate_search",
        "session_id": "info_session",
        "registration_id": "registration",
        "incident_id": "incident",
        "flag_id": "safety_flag",
        "meeting_id": "meeting",
        "action_id": "meeting_action",
        "thread_id": "thread",
        "presentation_id": "presentation",
        "peer_session_id": "peer_session",
        "report_id": "synthesis_report",
        "employer_pk": "employer",
        "employer_id": "employer",
        "position_pk": "position",
        "position_id": "position",
        "analysis_pk": "analysis",
        "placement_pk": "placement",
        "placement_id": "placement",
        "checkpoint_pk": "checkpoint",
        "territory_id": "territory",
        "indicator_id": "indicator",
        "import_id": "indicator_import",
        "analysis_id": "needs_analysis",
        "item_id": "watch_item",
        "candidate_pk": "cert_candidate",
        "enrolment_pk": "cert_enrolment",
        "modality_pk": "cert_modality",
        "block_pk": "cert_block",
        "certificate_pk": "cert_certificate",
        "group_pk": "cert_group",
        "jury_pk": "cert_jury",
        "candidate_id": "cert_candidate",
        "enrolment_id": "cert_enrolment",
        "modality_id": "cert_modality",
        "jury_id": "cert_jury",
        "project_id": "project",
        "task_id": "task",
        "part_id": "objective",
        "line_id": "budget_line",
        "workshop_id": "workshop",
        "export_id": "report_export",
        "contract_id": "contract",
        "appointment_id": "appointment",
        "document_id": "document",
        "request_id": "document_request",
    }
    if kwarg == "pk":
        if name == "lifecycle:request":
            return objects["rights_request"].pk
        if (
            namespace in ("people", "diagnostics", "teams")
            or name
            in (
                "pathways:create",
                "pathways:detail",
                "pathways:update",
                "pathways:goal_create",
                "pathways:goal_update",
                "pathways:step_create",
                "pathways:step_update",
                "pathways:step_status",
                "pathways:contract",
                "pathways:contract_sign",
                "pathways:contract_pdf",
                "pathways:review_create",
                "pathways:review_detail",
                "pathways:exit",
                "pathways:contract_scan",
                "pathways:review_pdf",
            )
            or name.startswith("lifecycle:")
        ):
            return objects["person"].pk
        if name.startswith("pathways:note"):
            return objects["note"].pk
        if name.startswith(("pathways:appointment", "agenda:appointment")):
            return objects["appointment"].pk
        if name.startswith("directory:service") and name not in (
            "directory:service_create",
            "directory:services_json",
        ):
            return objects["service"].pk
        if namespace == "directory":
            return objects["organisation"].pk
        if namespace == "referrals":
            return objects["referral"].pk
        if name == "organisations:member_action":
            return objects["membership"].pk
        if name == "accounts:api_token_revoke":
            return objects["token"].pk
        if name == "search:partnership_end":
            return objects["partnership"].pk
        return objects["person"].pk
    if kwarg == "number":
        return objects["contract"].number
    # Names that mean another object in one module (a workshop's session, not an information
    # session; a project's indicator, not a territory's; a workshop enrolment, not a
    # certification one).
    by_module = {
        "projects": {
            "indicator_id": "project_indicator",
            "session_id": "session",
            "enrolment_id": "enrolment",
        },
        "certification": {
            "document_pk": "cert_document",
            "equivalence_pk": "cert_equivalence",
            "former_pk": "cert_enrolment",
        },
    }
    if kwarg in by_module.get(namespace, {}):
        return objects[by_module[namespace][kwarg]].pk
    if kwarg in by_name:
        return objects[by_name[kwarg]].pk
    return {
        "token": "jeton-inconnu",
        "uidb64": "MQ",
        "action": "deactivate",
        "scope": "structures",
        "key": "rendez-vous",
        "filename": "structures.csv",
        "code": "RNCP99999",
        "kind": "objectif",
    }.get(kwarg, "x")


def url_of(name: str, route: str, objects: dict) -> str:
    def fill(match: re.Match) -> str:
        return str(_object_for(name, match.group(1), objects))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def client_for(role: str, world) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        login_verified(client, user)
    return client


def answer(client: Client, url: str, *, api_token: str | None) -> int:
    """GET; for a route that does not take GET, an empty POST, then an empty PATCH (JSON on
    the API). Empty bodies: a write never succeeds, so the world stays the same."""
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    response = client.get(url, headers=headers)
    if response.status_code != 405:
        return response.status_code
    if url.startswith("/api/"):
        for method in (client.post, client.patch, client.put):
            response = method(url, data="{}", content_type="application/json", headers=headers)
            if response.status_code != 405:
                break
        return response.status_code
    return client.post(url, {}, headers=headers).status_code


def statuses_of(name: str, route: str, world) -> dict[str, int]:
    url = url_of(name, route, world.objects)
    result = {}
    for role in ROLES:
        client = client_for(role, world)
        token = None
        if url.startswith("/api/") and world.users[role] is not None:
            _t, token = services.api_token_create(user=world.users[role], name="Matrice")
        result[role] = answer(client, url, api_token=token)
    return result


def recorded() -> dict:
    if not MATRIX_FILE.exists():
        return {}
    namespace: dict = {}
    exec(MATRIX_FILE.read_text(encoding="utf-8"), namespace)
    return namespace["MATRIX"]


@pytest.fixture(scope="module")
def written():
    rows: dict = {}
    yield rows
    if WRITE:
        # The rows of this run replace theirs; the others are kept (a run limited with -k, or
        # one worker's share under xdist, must not drop them), except routes that are gone.
        current = {name for name, _ in ROUTES}
        rows = {k: v for k, v in {**recorded(), **rows}.items() if k in current}
        MATRIX_FILE.write_text(
            '"""Recorded by tests/security/test_permission_matrix.py (RELAIS_WRITE_MATRIX=1):\n'
            'the status each role gets on each route. Review every change."""\n\n'
            f"MATRIX = {pformat(dict(sorted(rows.items())), width=100, sort_dicts=False)}\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for all the module's routes (over 400) (building it for each took about
    a quarter of the module's time), in a transaction rolled back at the end. Each test
    runs in a savepoint of it (pytest-django's `db`), so that what a request writes anyway
    (sessions, API tokens, journal entries) is undone before the next route."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_route(name, route, world, written):
    got = statuses_of(name, route, world)
    kwargs = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    names_a_person = bool(kwargs & PERSON_KWARGS) or (
        name.startswith(PERSON_NAMESPACES) and "pk" in kwargs
    )
    assert all(status < 500 for status in got.values()), (name, got)
    if name not in PUBLIC:
        assert not 200 <= got["anonymous"] < 300, (name, got)
    if names_a_person or (name.startswith("api-1:") and "organisation_id" in kwargs):
        for outsider in ("other_org", "platform_admin"):
            assert not 200 <= got[outsider] < 300, (name, outsider, got)
    if WRITE:
        written[name] = got
        return
    matrix = recorded()
    assert name in matrix, f"{name} has no row in tests/security/matrix.py: add it (see docstring)"
    assert got == matrix[name], (name, got)
