"""The pages domain code may link to (`relais.core.links`), by kind: the one place where a
kind of page meets its URL name. Registered by `WebConfig.ready`."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

PAGES = {
    "person": "people:detail",
    "diagnostic": "diagnostics:detail",
    "pathway": "pathways:detail",
    "note": "pathways:note_detail",
    "appointment": "pathways:appointment_update",
    "review": "pathways:review_detail",
    "referral": "referrals:detail",
    "organisation": "directory:organisation",
    "service": "directory:service",
    "invitation": "accounts:invitation",
    "password_reset": "accounts:password_reset_confirm",
    "retention": "lifecycle:overview",
    "meeting_actions": "meetings:actions",
    "thread": "threads:detail",
    "placement": "employment:placement",
    "project": "projects:detail",
    "workshop": "projects:workshop_detail",
    "certification_candidate": "certification:candidate",
    "space_home": "space:home",
    "space_link": "space:link",
}


def resolve(kind: str, *args: object) -> str:
    name = PAGES.get(kind)
    if name is None:
        return ""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
