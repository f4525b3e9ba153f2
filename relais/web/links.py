"""The pages domain code may link to (`relais.core.links`), by kind: the one place where a
kind of page meets its URL name. Registered by `WebConfig.ready`."""

from __future__ import annotations

import re

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
# caseload) pay hundreds of times per page. A text argument made of slug characters (a
# section's key) is part of the cached name: a few values per name, bounded below.
_SENTINEL = 987_654_320
_TEMPLATES: dict[tuple, str] = {}
_MAX_TEMPLATES = 5000
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def fast_reverse(name: str, *args: object) -> str:
    """`reverse(name, args=args)`, the same path, cached per name when every argument (if
    any) is a non-negative integer or a slug (other arguments, or a pattern that refuses
    the placeholder integers, go through `reverse` every time). Raises `NoReverseMatch`
    like `reverse`."""
    texts = []
    for a in args:
        if type(a) is int:
            if a < 0:
                return reverse(name, args=args)
            texts.append(None)
        elif type(a) is str and _SLUG.fullmatch(a):
            texts.append(a)
        else:
            return reverse(name, args=args)
    key = (name, get_script_prefix(), *texts)
    template = _TEMPLATES.get(key)
    if template is None:
        placeholders = [
            str(_SENTINEL + i) if text is None else text for i, text in enumerate(texts)
        ]
        try:
            template = reverse(name, args=placeholders)
        except NoReverseMatch:
            return reverse(name, args=args)
        if any(template.count(str(_SENTINEL + i)) != 1 for i, t in enumerate(texts) if t is None):
            return reverse(name, args=args)
        if len(_TEMPLATES) < _MAX_TEMPLATES:
            _TEMPLATES[key] = template
    path = template
    for i, value in enumerate(args):
        if texts[i] is None:
            path = path.replace(str(_SENTINEL + i), str(value), 1)
    return path
