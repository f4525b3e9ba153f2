"""The pages domain code may link to (`relais.core.links`), by kind: the one place where a
kind of page meets its URL name. Registered by `WebConfig.ready`."""

from __future__ import annotations

from django.urls import NoReverseMatch, get_script_prefix, reverse

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
        return fast_reverse(name, *args)
    except NoReverseMatch:
        return ""


# A page's path for integer arguments, built once per URL name: `reverse()` walks the URL
# patterns at each call (about 0.1 ms), which lists of items with a link each (timeline,
# caseload) pay hundreds of times per page.
_SENTINEL = 987_654_320
_TEMPLATES: dict[tuple[str, str, int], str] = {}


def fast_reverse(name: str, *args: object) -> str:
    """`reverse(name, args=args)`, the same path, cached per name when every argument (if
    any) is a non-negative integer (other arguments, or a pattern that refuses the placeholder
    integers, go through `reverse` every time). Raises `NoReverseMatch` like `reverse`."""
    if not all(type(a) is int and a >= 0 for a in args):
        return reverse(name, args=args)
    key = (name, get_script_prefix(), len(args))
    template = _TEMPLATES.get(key)
    if template is None:
        placeholders = [str(_SENTINEL + i) for i in range(len(args))]
        try:
            template = reverse(name, args=placeholders)
        except NoReverseMatch:
            return reverse(name, args=args)
        if any(template.count(p) != 1 for p in placeholders):
            return reverse(name, args=args)
        _TEMPLATES[key] = template
    path = template
    for i, value in enumerate(args):
        path = path.replace(str(_SENTINEL + i), str(value), 1)
    return path
