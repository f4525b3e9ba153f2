"""The engagement contract: what a version snapshots, how it is hashed, how it is printed,
and the writes (drawing up a version, signing it).

A contract version freezes the *terms* of the pathway: the goals (text, domain, indicator,
target, deadline) and the steps (kind, title, linked goal, owner, planned date) that are
still commitments. Progress does not change the terms: a step marked done or a goal marked
achieved keeps the signed contract valid. Adding, rewording, rescheduling, abandoning or
cancelling a goal or a step does change them, and the pathway then shows "Contrat à
renouveler" (see `relais.pathways.selectors.contract_needs_renewal`).

`content_hash` is the sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
`{"goals": [...], "steps": [...]}`. The snapshot also keeps the parties (organisation,
person, référent, scheme, dates) as they were, so that an old version prints as it was
signed even after the record changed.

Writes: `contract_generate` draws up a new version, `contract_sign` records its signature.
Rule decided here (the issue left it open): a contract version is never changed once signed;
only the latest version can be signed, and only if the goals and steps have not changed
since it was drawn up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from relais.accounts.models import User
from relais.core import pdf, uploads
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.diagnostics.domains import Domain
from relais.pathways.checks import check_not_future, format_date, locked_pathway, validate
from relais.pathways.models import (
    Contract,
    Goal,
    GoalStatus,
    Pathway,
    Scheme,
    SignatureMode,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.people.models import DocumentKind, Sex
from relais.people.services import document_upload

CONTENT_FORMAT = 1

# Goals and steps that are no longer commitments are left out of the contract.
DROPPED_GOAL_STATUSES = frozenset({GoalStatus.ABANDONED})
DROPPED_STEP_STATUSES = frozenset({StepStatus.ABANDONED, StepStatus.CANCELLED})

DEFAULT_COMMITMENTS_PERSON = "\n".join(
    [
        "Participer aux rendez-vous convenus avec mon référent, ou le prévenir si je ne peux pas venir.",
        "Réaliser les étapes dont je suis responsable, aux dates convenues ensemble.",
        "Informer mon référent de tout changement de situation (adresse, ressources, santé, emploi).",
        "Participer aux bilans de mon parcours et dire ce qui marche et ce qui ne marche pas.",
    ]
)
DEFAULT_COMMITMENTS_ORGANISATION = "\n".join(
    [
        "Désigner un référent de parcours unique, joignable, qui suit l'ensemble du parcours.",
        "Accompagner la personne dans la réalisation de ses objectifs et de ses démarches.",
        "Mobiliser les partenaires et les dispositifs utiles, avec l'accord de la personne.",
        "Faire régulièrement le bilan du parcours avec la personne et l'ajuster avec elle.",
        "Protéger la confidentialité des informations confiées (RGPD) ; la personne peut y accéder sur demande.",
    ]
)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def goal_terms(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "text": goal.text,
        "domain": goal.domain,
        "indicator": goal.indicator,
        "target": goal.target,
        "deadline": _iso(goal.deadline),
    }


def step_terms(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "goal": step.goal_id,
        "kind": step.kind,
        "title": step.title,
        "owner": step.owner,
        "owner_name": step.owner_name,
        "planned_on": _iso(step.planned_on),
    }


def terms_of(goals: Iterable[Goal], steps: Iterable[Step]) -> dict[str, list[dict[str, Any]]]:
    """The terms of a contract for these goals and steps (dropped ones are left out)."""
    return {
        "goals": [
            goal_terms(g)
            for g in sorted(goals, key=lambda g: g.pk)
            if g.status not in DROPPED_GOAL_STATUSES
        ],
        "steps": [
            step_terms(s)
            for s in sorted(steps, key=lambda s: s.pk)
            if s.status not in DROPPED_STEP_STATUSES
        ],
    }


def current_terms(pathway: Pathway) -> dict[str, list[dict[str, Any]]]:
    """Uses `pathway.goals.all()` and `pathway.steps.all()`: prefetch them to read many
    pathways at constant cost."""
    return terms_of(pathway.goals.all(), pathway.steps.all())


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def terms_hash(terms: dict[str, Any]) -> str:
    return hashlib.sha256(
        canonical_json({"goals": terms["goals"], "steps": terms["steps"]})
    ).hexdigest()


def parties_of(pathway: Pathway) -> dict[str, Any]:
    person = pathway.person
    return {
        "organisation": pathway.organisation.name,
        "person_name": person.display_name,
        "person_birth_date": _iso(person.birth_date),
        "person_sex": person.sex,
        "referent_name": str(pathway.referent),
        "scheme": pathway.scheme,
        "scheme_detail": pathway.scheme_detail,
        "started_on": _iso(pathway.started_on),
        "review_every_months": pathway.review_every_months,
        "next_review_on": _iso(pathway.next_review_on),
    }


def snapshot(pathway: Pathway) -> tuple[dict[str, Any], str]:
    """(content, hash) of a new contract version for the pathway as it is now."""
    terms = current_terms(pathway)
    content = {
        "format": CONTENT_FORMAT,
        **terms,
        "parties": parties_of(pathway),
        "progress": progress_of(pathway.steps.all()),
    }
    return content, terms_hash(terms)


def progress_of(steps: Iterable[Step]) -> dict[str, str]:
    """{step id: done date} of the steps already done when the version is drawn up. Not part
    of the terms (nor of their hash): doing a step does not call for a new contract, but the
    printed version says it is done rather than « à définir »."""
    return {
        str(s.pk): s.done_on.isoformat()
        for s in steps
        if s.status == StepStatus.DONE and s.done_on is not None
    }


# --- Printing ------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def printable(contract: Contract) -> dict[str, Any]:
    """The snapshot with labels and dates ready for the template (labels are looked up at
    print time: they are not part of the terms)."""
    content = contract.content
    parties = dict(content.get("parties", {}))
    parties["person_birth_date"] = _date(parties.get("person_birth_date"))
    parties["started_on"] = _date(parties.get("started_on"))
    parties["next_review_on"] = _date(parties.get("next_review_on"))
    parties["scheme_label"] = _label(Scheme, parties.get("scheme", ""))
    # « née le », « né le », « né·e le » when the sex is not recorded (older versions too).
    parties["born"] = {Sex.FEMALE: "née", Sex.MALE: "né"}.get(parties.get("person_sex"), "né·e")
    done = content.get("progress", {})
    goals = []
    titles = {}
    for index, goal in enumerate(content.get("goals", []), start=1):
        titles[goal["id"]] = f"Objectif {index}"
        goals.append(
            {
                "number": index,
                "text": goal["text"],
                "domain": _label(Domain, goal["domain"]) if goal["domain"] else "",
                "indicator": goal["indicator"],
                "target": goal["target"],
                "deadline": _date(goal["deadline"]),
                "steps": [],
            }
        )
    by_goal = {g["id"]: row for g, row in zip(content.get("goals", []), goals, strict=True)}
    other_steps = []
    for step in content.get("steps", []):
        row = {
            "kind": _label(StepKind, step["kind"]),
            "title": step["title"],
            "owner": _label(StepOwner, step["owner"]),
            "owner_name": step["owner_name"],
            "planned_on": _date(step["planned_on"]),
            "done_on": _date(done.get(str(step["id"]))),
        }
        if step["goal"] in by_goal:
            by_goal[step["goal"]]["steps"].append(row)
        else:
            other_steps.append(row)
    return {
        "parties": parties,
        "goals": goals,
        "other_steps": other_steps,
        "commitments_person": _lines(contract.commitments_person),
        "commitments_organisation": _lines(contract.commitments_organisation),
        "signature_mode": _label(SignatureMode, contract.signature_mode)
        if contract.signature_mode
        else "",
    }


def pdf_title(contract: Contract) -> str:
    name = contract.content.get("parties", {}).get("person_name", "")
    return f"Contrat d'engagement v{contract.number} — {name}"


@dataclass(frozen=True)
class OnlineSignature:
    """The person's signature from their space (relais.person_space, a layer above: its
    pages pass what to print)."""

    signed_at: dt.datetime
    method: str  # how the code reached the person, as said to a reader (« E-mail », « SMS »)
    content_hash: str


def render_html(contract: Contract, *, online_signature: OnlineSignature | None = None) -> str:
    context = {
        "contract": contract,
        "title": pdf_title(contract),
        "printed_on": timezone.localdate(),
        "online_signature": online_signature,
        **printable(contract),
    }
    return pdf.render_html("pathways/contract_pdf.html", context)


def render_pdf(contract: Contract, *, online_signature: OnlineSignature | None = None) -> bytes:
    return pdf.html_to_pdf(render_html(contract, online_signature=online_signature))


# --- Versions and signature (writes) -------------------------------------------------------


def default_commitments(pathway: Pathway) -> tuple[str, str]:
    """(person's, organisation's) commitments to pre-fill a new version: those of the
    latest version, or sensible defaults for the first one."""
    latest = pathway.contracts.order_by("-number").first()
    if latest is not None:
        return latest.commitments_person, latest.commitments_organisation
    return DEFAULT_COMMITMENTS_PERSON, DEFAULT_COMMITMENTS_ORGANISATION


@transaction.atomic
def contract_generate(
    *,
    pathway: Pathway,
    actor: User,
    commitments_person: str,
    commitments_organisation: str,
) -> Contract:
    """A new version (previous number + 1) from the current goals and steps."""
    current = locked_pathway(pathway, actor)
    commitments_person = clean_text(commitments_person)
    commitments_organisation = clean_text(commitments_organisation)
    validate(
        Contract(
            commitments_person=commitments_person,
            commitments_organisation=commitments_organisation,
        ),
        ["commitments_person", "commitments_organisation"],
    )
    if not commitments_person:
        raise DomainError("Indiquez les engagements de la personne.", field="commitments_person")
    if not commitments_organisation:
        raise DomainError(
            "Indiquez les engagements de la structure.", field="commitments_organisation"
        )
    current = (
        Pathway.objects.select_related("person", "organisation", "referent")
        .prefetch_related("goals", "steps")
        .get(pk=current.pk)
    )
    content, content_hash = snapshot(current)
    if not content["goals"]:
        raise DomainError("Ajoutez au moins un objectif avant d'établir le contrat d'engagement.")
    last_number = current.contracts.aggregate(n=Max("number"))["n"] or 0
    return Contract.objects.create(
        pathway=current,
        number=last_number + 1,
        content=content,
        content_hash=content_hash,
        commitments_person=commitments_person,
        commitments_organisation=commitments_organisation,
        generated_by=actor,
    )


SCAN_TYPES = (uploads.PDF, uploads.JPEG, uploads.PNG, uploads.WEBP)


def check_scan(uploaded_file: Any) -> None:
    """A scan of the signed paper: the upload checks (size, real type, name), and a PDF or
    an image only."""
    file_type, _name = uploads.check_upload(uploaded_file)
    if file_type not in SCAN_TYPES:
        raise DomainError(
            f"Ce fichier est un {file_type.label} : déposez le contrat signé numérisé, en "
            "PDF ou en image (JPEG, PNG, WebP).",
            field="file",
        )


def _attach_scan(contract: Contract, *, actor: User, uploaded_file: Any) -> Contract:
    document = document_upload(
        person=contract.pathway.person,
        actor=actor,
        uploaded_file=uploaded_file,
        kind=DocumentKind.CONTRACT,
        title=f"Contrat d'engagement v{contract.number} signé le {contract.signed_on:%d/%m/%Y}",
    )
    contract.signed_scan = document
    contract.save(update_fields=["signed_scan", "updated_at"])
    return contract


@transaction.atomic
def contract_attach_scan(*, contract: Contract, actor: User, uploaded_file: Any) -> Contract:
    """Attach the scan of the signed paper to a signed version that has none yet (it was
    not at hand when the signature was recorded). It joins the person's documents."""
    pathway = locked_pathway(contract.pathway, actor)
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    current.pathway = pathway
    if current.signed_on is None:
        raise DomainError(
            "Enregistrez d'abord la signature de cette version : le contrat signé numérisé "
            "s'y joint ensuite.",
            field="file",
        )
    if current.signed_scan_id is not None:
        raise DomainError(
            f"Le contrat signé numérisé de la version {current.number} est déjà joint.",
            field="file",
        )
    check_scan(uploaded_file)
    return _attach_scan(current, actor=actor, uploaded_file=uploaded_file)


@transaction.atomic
def contract_sign(
    *,
    contract: Contract,
    actor: User,
    signed_on: dt.date,
    signature_mode: str,
    scan: Any = None,
) -> Contract:
    """Records the signature of a version, with the scan of the signed paper if at hand
    (`scan`, an uploaded file). A signed version is never changed again."""
    if scan is not None:
        check_scan(scan)  # before anything: a refused file signs nothing
    pathway = locked_pathway(contract.pathway, actor)
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.signed_on is not None:
        raise DomainError(
            "Cette version est déjà signée : une version signée ne peut plus être modifiée."
        )
    latest = pathway.contracts.aggregate(n=Max("number"))["n"]
    if current.number != latest:
        raise DomainError(
            f"Seule la dernière version (v{latest}) peut être signée : la v{current.number} "
            "a été remplacée."
        )
    live = Pathway.objects.prefetch_related("goals", "steps").get(pk=pathway.pk)
    if terms_hash(current_terms(live)) != current.content_hash:
        raise DomainError(
            "Les objectifs ou les étapes ont changé depuis que cette version a été établie : "
            "établissez une nouvelle version avant de la faire signer."
        )
    if signature_mode not in SignatureMode.values:
        raise DomainError("Indiquez le mode de signature.", field="signature_mode")
    if signed_on is None:
        raise DomainError("Indiquez la date de signature.", field="signed_on")
    check_not_future(signed_on, "signed_on", "La date de signature")
    drawn_up = timezone.localdate(current.created_at)
    if signed_on < drawn_up:
        raise DomainError(
            f"La date de signature ne peut pas précéder l'établissement de la version ({format_date(drawn_up)}).",
            field="signed_on",
        )
    current.signed_on = signed_on
    current.signature_mode = signature_mode
    current.save(update_fields=["signed_on", "signature_mode", "updated_at"])
    if scan is not None:
        current.pathway = pathway
        _attach_scan(current, actor=actor, uploaded_file=scan)
    return current
