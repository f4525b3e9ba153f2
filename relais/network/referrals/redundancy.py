"""Redundancy warnings: the seeds' first concern, "éviter des redondances d'interventions".

When a step or a referral is added for a person, look for an ACTIVE action of the same kind
(step kind) or on the same need (referral: the thématiques of the services) run by ANOTHER
organisation for the same person. The user adding it is warned before confirming, with a
link to the other action; the other organisation gets a notification (naming no person).

Who "runs" an action:
- a referral: its receiving organisation;
- a step linked to a referral: that referral's receiving organisation;
- a step carried by a partner (owner "un autre professionnel"): the partner named on it;
- any other step: the organisation of its pathway.

Thématiques are compared at the most precise level both sides give: two services with
sub-thématiques of "mobilite" overlap only if they share one; a service that only says
"mobilite" overlaps with any mobility service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from relais.accounts.models import Organisation
from relais.core.errors import DomainError
from relais.core.links import link
from relais.core.text import fold
from relais.network.directory import thematiques as thematique_labels
from relais.network.referrals.models import RedundancyKind, RedundancyWarning, Referral
from relais.notifications.services import Email, notify
from relais.pathways.models import OPEN_STEP_STATUSES, Step, StepKind, StepOwner
from relais.people.models import Person

# Kinds too vague to call two actions "the same".
IGNORED_STEP_KINDS = (StepKind.OTHER,)


def overlap(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """The thématiques two services have in common, at the most precise level both give."""
    a, b = set(first or []), set(second or [])
    common: set[str] = set()
    categories = {c.split("--", 1)[0] for c in a} & {c.split("--", 1)[0] for c in b}
    for category in categories:
        subs_a = {c for c in a if c.startswith(f"{category}--")}
        subs_b = {c for c in b if c.startswith(f"{category}--")}
        if subs_a and subs_b:
            common |= subs_a & subs_b
        else:
            common |= (subs_a or subs_b) or {category}
    return sorted(common)


@dataclass(frozen=True)
class Redundancy:
    """An active action of another organisation that looks like the one being added."""

    what: str  # "referral" or "step"
    object_id: int
    label: str  # what it is, e.g. « Orientation vers « Permis solidaire » »
    organisation_name: str
    organisation_id: int | None  # None: a partner named on a step, not on the platform
    status_label: str
    because: str  # why it looks redundant, e.g. « même thématique : Mobilité »
    url: str  # where the user adding the new action can see the other one

    @property
    def key(self) -> str:
        return f"{self.what}-{self.object_id}"


def _same_organisation(organisation: Organisation | str | None, org_id, org_name: str) -> bool:
    if organisation is None:
        return False
    if isinstance(organisation, Organisation):
        if org_id is not None:
            return org_id == organisation.pk
        return fold(org_name) == fold(organisation.name)
    return fold(org_name) == fold(str(organisation))


def _referral_url(referral_id: int) -> str:
    return link("referral", referral_id)


def _step_url(step: Step) -> str:
    return link("pathway", step.pathway.person_id, step.pathway_id, anchor=f"#etape-{step.pk}")


def _step_redundancies(
    person: Person, kind: str, organisation, exclude_step_id: int | None
) -> list[Redundancy]:
    if kind in IGNORED_STEP_KINDS:
        return []
    steps = (
        Step.objects.filter(pathway__person=person, status__in=OPEN_STEP_STATUSES, kind=kind)
        .exclude(pk=exclude_step_id)
        .select_related("pathway__organisation", "referral__receiver_organisation")
        .order_by("-created_at", "-id")
    )
    found = []
    for step in steps:
        referral = getattr(step, "referral", None)
        if referral is not None:
            # Referral steps are compared by thématique, with their referral.
            continue
        if step.owner == StepOwner.PARTNER and step.owner_name:
            org_id, org_name = None, step.owner_name
        else:
            org_id, org_name = step.pathway.organisation_id, step.pathway.organisation.name
        if _same_organisation(organisation, org_id, org_name):
            continue
        found.append(
            Redundancy(
                what="step",
                object_id=step.pk,
                label=f"Étape « {step.title} »",
                organisation_name=org_name,
                organisation_id=org_id,
                status_label=step.get_status_display(),
                because=f"même type d'action : {StepKind(kind).label.lower()}",
                url=_step_url(step),
            )
        )
    return found


def open_referrals_of(person: Person) -> list[Referral]:
    """The person's open referrals, with what the redundancy check reads (one query)."""
    return list(
        Referral.objects.open()
        .filter(person=person)
        .select_related("service", "receiver_organisation")
        .order_by("-sent_at", "-id")
    )


def referral_redundancies_among(
    referrals: Iterable[Referral], thematiques: list[str], organisation
) -> list[Redundancy]:
    """Among these open referrals, those of another organisation on the same need."""
    found = []
    for referral in referrals:
        receiver = referral.receiver_organisation
        if _same_organisation(organisation, receiver.pk, receiver.name):
            continue
        common = overlap(thematiques, referral.service.thematiques)
        if not common:
            continue
        found.append(
            Redundancy(
                what="referral",
                object_id=referral.pk,
                label=f"Orientation vers « {referral.service.name} »",
                organisation_name=receiver.name,
                organisation_id=receiver.pk,
                status_label=referral.get_status_display(),
                because="même besoin : "
                + ", ".join(thematique_labels.label(c) for c in common[:3]),
                url=_referral_url(referral.pk),
            )
        )
    return found


def _referral_redundancies(
    person: Person, thematiques: list[str], organisation, exclude_referral_id: int | None
) -> list[Redundancy]:
    referrals = [r for r in open_referrals_of(person) if r.pk != exclude_referral_id]
    return referral_redundancies_among(referrals, thematiques, organisation)


def redundant_with(
    person: Person,
    *,
    kind: str | None = None,
    thematiques: Iterable[str] | None = None,
    organisation: Organisation | str | None,
    exclude_step_id: int | None = None,
    exclude_referral_id: int | None = None,
) -> list[Redundancy]:
    """Active actions for `person` that the new one (a step of `kind`, or a referral to a
    service of `thematiques`), run by `organisation`, would duplicate. `organisation` is
    the organisation that will run the new action (an Organisation, or a partner's name
    for a step carried by a partner off the platform). Two queries at most."""
    found: list[Redundancy] = []
    if kind:
        found += _step_redundancies(person, kind, organisation, exclude_step_id)
    if thematiques:
        found += _referral_redundancies(
            person, list(thematiques), organisation, exclude_referral_id
        )
    return found


def fingerprint(redundancies: Iterable[Redundancy]) -> str:
    """What the user was warned about: a confirmation holds only for the same warnings."""
    return ",".join(sorted(r.key for r in redundancies))


class RedundancyToConfirm(DomainError):
    """Similar actions of other organisations are running for the person: the user must
    confirm, by sending back the `key` of what they were shown (`fingerprint`), that they
    saw them. A rule of the services, so that every caller (web, API) obeys it."""

    def __init__(self, redundancies: list[Redundancy]) -> None:
        self.redundancies = redundancies
        self.key = fingerprint(redundancies)
        listed = " ; ".join(
            f"{r.label} ({r.organisation_name}, {r.status_label.lower()})" for r in redundancies[:5]
        )
        super().__init__(
            f"Des actions similaires sont en cours pour cette personne : {listed}. Vérifiez-les, "
            "puis confirmez l'orientation.",
            field="confirm_redundancy",
        )


def check_confirmed(redundancies: list[Redundancy], confirmed: str | None) -> None:
    """Raise RedundancyToConfirm unless there is nothing to confirm or `confirmed` is the
    key of exactly these redundancies (a confirmation of older warnings holds no more)."""
    if redundancies and confirmed != fingerprint(redundancies):
        raise RedundancyToConfirm(redundancies)


def record_raised(
    redundancies: Iterable[Redundancy],
    *,
    person_id: int,
    organisation: Organisation,
    referral: Referral | None = None,
    step: Step | None = None,
) -> int:
    """Keep the warnings raised by a new action (a referral sent or a step added), one row
    per similar action, so that coordination can be accounted for (warnings raised and
    resolved). One query."""
    rows = [
        RedundancyWarning(
            organisation=organisation,
            person_id=person_id,
            kind=RedundancyKind.REFERRAL if referral is not None else RedundancyKind.STEP,
            referral=referral,
            step=step if referral is None else None,
            other_kind=found.what,
            other_referral_id=found.object_id if found.what == RedundancyKind.REFERRAL else None,
            other_step_id=found.object_id if found.what == RedundancyKind.STEP else None,
            other_organisation_id=found.organisation_id,
        )
        for found in redundancies
    ]
    RedundancyWarning.objects.bulk_create(rows)
    return len(rows)


def notify_others(
    redundancies: Iterable[Redundancy],
    *,
    new_label: str,
    by: Organisation,
) -> int:
    """Tell each other organisation on the platform (once) that a similar action was just
    engaged for a person they accompany, with a link to their own action. Names no person."""
    told: set[int] = set()
    for redundancy in redundancies:
        org_id = redundancy.organisation_id
        if org_id is None or org_id == by.pk or org_id in told:
            continue
        organisation = Organisation.objects.filter(pk=org_id).first()
        if organisation is None:
            continue
        if redundancy.what == "referral":
            link = _referral_url(redundancy.object_id)
            message = (
                f"Risque de doublon : {by.name} a engagé une action similaire ({new_label}) "
                f"pour la personne de l'orientation n° {redundancy.object_id}."
            )
        else:
            link = ""
            message = (
                f"Risque de doublon : {by.name} a engagé une action similaire ({new_label}) "
                f"pour une personne dont vous portez une étape du même type."
            )
        notify(
            organisation=organisation,
            message=message,
            link=link,
            email=Email(
                subject="Risque de doublon dans un accompagnement",
                text=(
                    "Une action similaire à l'une des vôtres vient d'être engagée par une autre "
                    "structure pour une personne que vous accompagnez. Consultez-la pour vous "
                    "coordonner."
                ),
            ),
        )
        told.add(org_id)
    return len(told)


def warn_step_added(step: Step, *, organisation: Organisation) -> str:
    """After a step is added: the other organisations running the same kind of action for
    the person are notified, and the message for the user who added it is returned ("" if
    nothing looks redundant). Used by the step creation page."""
    runner: Organisation | str = organisation
    if step.owner == StepOwner.PARTNER and step.owner_name:
        runner = step.owner_name
    found = redundant_with(
        step.pathway.person,
        kind=step.kind,
        organisation=runner,
        exclude_step_id=step.pk,
    )
    if not found:
        return ""
    record_raised(found, person_id=step.pathway.person_id, organisation=organisation, step=step)
    notify_others(found, new_label=f"étape « {step.title} »", by=organisation)
    others = " ; ".join(
        f"{r.label} ({r.organisation_name}, {r.status_label.lower()})" for r in found[:3]
    )
    return (
        f"Attention, risque de doublon : une action du même type est déjà en cours pour cette "
        f"personne — {others}. Vérifiez-la dans le parcours et coordonnez-vous avec la "
        f"structure concernée."
    )
