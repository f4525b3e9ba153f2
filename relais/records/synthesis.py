"""Synthesis reports for a commission or a prescriber: which sections the person's
consents allow to send to the recipient, the report as produced (a dated PDF), its
sending (journaled, and listed in the right-of-access export).

Rules decided here (decision 0057):
- nothing is sent to an organisation without the person's standing consent to share with
  it (a « partage » consent naming it, or its kind: the same test as the coordination
  team, `consent_standing`): without it, every section is refused with that reason;
- when the recipient is an active member of the person's coordination team, the
  categories agreed with the person for that member bound the report: situation needs
  « situation », diagnostic « diagnostic », pathway and reviews « étapes du parcours »;
- the health domain goes only with the person's explicit agreement recorded for that
  member; otherwise the diagnostic is sent without it, and the report says so;
- the proposal and the person's own view are always the référent's to write and send
  once a consent stands;
- a report is produced with the allowed sections only; if none is allowed, it is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relais.accounts.models import Organisation, User
from relais.core import pdf
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic
from relais.network.coordination.models import (
    Partnership,
    SharedCategory,
    TeamMember,
    consent_standing,
)
from relais.pathways.checks import check_not_future, ensure_allowed
from relais.pathways.models import Pathway, Review
from relais.people.models import Consent, ConsentPurpose, Person
from relais.records.export import person as own_file
from relais.records.export.structure import display
from relais.records.synthesis_models import (
    SendingMethod,
    SynthesisPurpose,
    SynthesisReport,
    SynthesisSection,
    SynthesisStatus,
)

SECTION_CATEGORY = {
    SynthesisSection.SITUATION: SharedCategory.SITUATION,
    SynthesisSection.DIAGNOSTIC: SharedCategory.DIAGNOSTIC,
    SynthesisSection.PATHWAY: SharedCategory.STEPS,
    SynthesisSection.REVIEWS: SharedCategory.STEPS,
}


@dataclass(frozen=True)
class SectionDecision:
    section: str
    allowed: bool
    reason: str = ""

    @property
    def label(self) -> str:
        return SynthesisSection(self.section).label


def recipient_choices(person: Person) -> list[Organisation]:
    """The organisations a report about `person` may plausibly go to: those named in the
    person's consents, those of the coordination team, the sender's declared partners."""
    named = Consent.objects.filter(person=person, purpose=ConsentPurpose.SHARE_ORGANISATION).values(
        "partner_organisation_id"
    )
    team = TeamMember.objects.of_person(person.pk).values("organisation_id")
    own = person.organisation_id
    partners = Partnership.objects.in_force().filter(Q(source_id=own) | Q(target_id=own))
    partner_ids = {p for pair in partners.values_list("source_id", "target_id") for p in pair}
    return list(
        Organisation.objects.filter(
            Q(pk__in=named) | Q(pk__in=team) | Q(pk__in=partner_ids), is_active=True
        )
        .exclude(pk=own)
        .order_by("name")
    )


def _health_allowed(member: TeamMember | None) -> bool:
    return (
        member is not None
        and member.health_consent_on is not None
        and (SharedCategory.HEALTH in (member.shared_categories or []))
    )


def check_sections(
    person: Person, recipient: Organisation, sections: Iterable[str]
) -> list[SectionDecision]:
    """Each asked section, allowed or refused with the reason."""
    wanted = [s for s in SynthesisSection.values if s in set(sections)]
    consented = (
        Person.objects.filter(pk=person.pk)
        .filter(consent_standing(person.pk, recipient.pk, recipient.kind))
        .exists()
    )
    if not consented:
        reason = (
            f"La personne n'a pas donné (ou a retiré) son accord au partage avec {recipient.name}."
        )
        return [SectionDecision(s, False, reason) for s in wanted]
    member = (
        TeamMember.objects.active()
        .of_person(person.pk)
        .filter(organisation=recipient)
        .order_by("-started_on")
        .first()
    )
    decisions = []
    for section in wanted:
        category = SECTION_CATEGORY.get(section)
        if member is not None and category and category not in (member.shared_categories or []):
            decisions.append(
                SectionDecision(
                    section,
                    False,
                    f"Non convenu avec la personne pour {recipient.name} "
                    f"(catégorie « {SharedCategory(category).label} » non partagée).",
                )
            )
        elif section == SynthesisSection.DIAGNOSTIC and not _health_allowed(member):
            decisions.append(
                SectionDecision(section, True, "Sans le domaine santé (accord explicite requis).")
            )
        else:
            decisions.append(SectionDecision(section, True))
    return decisions


# --- Content (what the PDF shows, kept with the report) --------------------------------------


def _rows(fields) -> list[list[str]]:
    return [[label, display(value)] for label, value in fields if display(value) != "—"]


def _situation(person: Person) -> list[list[str]]:
    return _rows(own_file.situation(person).fields)


def _diagnostic(person: Person, health: bool) -> list[list[str]]:
    diagnostic = (
        Diagnostic.objects.filter(person=person)
        .prefetch_related("assessments")
        .order_by("-assessed_on", "-id")
        .first()
    )
    if diagnostic is None:
        return [["Diagnostic", "Aucun diagnostic enregistré."]]
    rows = [["Date du diagnostic", display(diagnostic.assessed_on)]]
    for a in sorted(
        diagnostic.assessments.all(), key=lambda a: list(Domain.values).index(a.domain)
    ):
        if a.domain == Domain.HEALTH and not health:
            continue
        text = " ; ".join(
            part
            for part in (
                a.situation,
                f"Atouts : {a.strengths}" if a.strengths else "",
                f"Freins : {display(a.barriers)}" if a.barriers else "",
            )
            if part
        )
        rows.append([Domain(a.domain).label, text or "—"])
    return rows


def _pathway(person: Person) -> list[list[str]]:
    pathways = (
        Pathway.objects.filter(person=person)
        .prefetch_related("goals", "steps")
        .order_by("-started_on", "-id")[:2]
    )
    rows = []
    for p in pathways:
        rows.append(
            [
                f"Parcours {p.get_scheme_display()}",
                f"depuis le {p.started_on:%d/%m/%Y} ({p.get_status_display().lower()})",
            ]
        )
        for g in p.goals.all():
            rows.append(["Objectif", f"{g.text} — {g.get_status_display().lower()}"])
        for s in p.steps.all():
            when = s.done_on or s.planned_on
            rows.append(
                [
                    "Étape",
                    f"{s.title} — {s.get_status_display().lower()}"
                    + (f", {when:%d/%m/%Y}" if when else ""),
                ]
            )
    return rows or [["Parcours", "Aucun parcours enregistré."]]


def _reviews(person: Person) -> list[list[str]]:
    reviews = Review.objects.filter(pathway__person=person).order_by("-held_on", "-id")[:3]
    rows = []
    for r in reviews:
        rows.append([f"Bilan du {r.held_on:%d/%m/%Y}", r.adjustments or "—"])
        if r.person_view:
            rows.append(["Point de vue de la personne", r.person_view])
    return rows or [["Bilans", "Aucun bilan enregistré."]]


def _content(person, decisions, proposal: str, person_view: str) -> list[dict]:
    builders = {
        SynthesisSection.SITUATION: lambda d: _situation(person),
        SynthesisSection.DIAGNOSTIC: lambda d: _diagnostic(person, health=not d.reason),
        SynthesisSection.PATHWAY: lambda d: _pathway(person),
        SynthesisSection.REVIEWS: lambda d: _reviews(person),
        SynthesisSection.PROPOSAL: lambda d: [
            ["Proposition du référent", proposal or "—"],
            ["Avis de la personne", person_view or "—"],
        ],
    }
    return [
        {"title": d.label, "note": d.reason, "rows": builders[d.section](d)}
        for d in decisions
        if d.allowed
    ]


@transaction.atomic
def synthesis_report_create(
    *,
    person: Person,
    actor: User,
    recipient: Organisation,
    purpose: str,
    sections: Iterable[str],
    proposal: str = "",
    person_view: str = "",
) -> SynthesisReport:
    ensure_allowed(actor, person)
    if purpose not in SynthesisPurpose.values:
        raise DomainError("Choisissez la commission ou le destinataire.", field="purpose")
    sections = list(sections)
    if not sections:
        raise DomainError("Choisissez au moins une section.", field="sections")
    unknown = set(sections) - set(SynthesisSection.values)
    if unknown:
        raise DomainError("Section inconnue.", field="sections")
    if recipient.pk == person.organisation_id:
        raise DomainError("Le destinataire doit être une autre structure.", field="recipient")
    proposal, person_view = clean_text(proposal), clean_text(person_view)
    if SynthesisSection.PROPOSAL in sections and not proposal:
        raise DomainError("Rédigez la proposition.", field="proposal")
    if len(proposal) > 5000 or len(person_view) > 3000:
        raise DomainError("Le texte est trop long.", field="proposal")
    decisions = check_sections(person, recipient, sections)
    allowed = [d for d in decisions if d.allowed]
    if not allowed:
        raise DomainError(
            "Aucune section ne peut être transmise à ce destinataire : "
            + " ".join(sorted({d.reason for d in decisions})),
            field="recipient",
        )
    return SynthesisReport.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        recipient=recipient,
        purpose=purpose,
        sections=[d.section for d in allowed],
        refused=[
            {"section": d.section, "label": d.label, "reason": d.reason}
            for d in decisions
            if not d.allowed
        ],
        content=_content(person, decisions, proposal, person_view),
        proposal=proposal,
        person_view=person_view,
        author=actor,
    )


@transaction.atomic
def synthesis_report_mark_sent(
    *, report: SynthesisReport, actor: User, sent_on: dt.date, method: str
) -> SynthesisReport:
    current = SynthesisReport.objects.select_for_update().select_related("person").get(pk=report.pk)
    ensure_allowed(actor, current.person)
    if current.status == SynthesisStatus.SENT:
        raise DomainError("La transmission de cette synthèse est déjà enregistrée.")
    if method not in SendingMethod.values:
        raise DomainError("Indiquez comment la synthèse a été transmise.", field="method")
    check_not_future(sent_on, "sent_on", "La date de transmission")
    if sent_on < timezone.localtime(current.created_at).date():
        raise DomainError(
            "La synthèse ne peut pas être transmise avant d'être produite.", field="sent_on"
        )
    # The consent may have been withdrawn since the report was produced.
    still = check_sections(current.person, current.recipient, current.sections)
    if not any(d.allowed for d in still):
        raise DomainError(still[0].reason if still else "Transmission impossible.", field="method")
    current.status = SynthesisStatus.SENT
    current.sent_on = sent_on
    current.sent_by = actor
    current.sending_method = method
    current.save(update_fields=["status", "sent_on", "sent_by", "sending_method", "updated_at"])
    return current


def render_report_pdf(report: SynthesisReport) -> bytes:
    person = report.person
    return pdf.render_pdf(
        "records/synthesis_pdf.html",
        {
            "report": report,
            "person": person,
            "organisation": report.organisation.name,
            "recipient": report.recipient.name,
            "purpose": SynthesisPurpose(report.purpose).label,
            "produced_on": timezone.localtime(report.created_at).date(),
            "author": report.author.get_full_name() or report.author.email,
        },
    )
