"""The main navigation of every page, rendered in Python.

Every page of a logged-in user pays for the frame; as a template, its seventeen entries
(each an `{% url %}`, an `{% if %}` on the role and one on the current page) cost about
3 ms of the 4 ms the frame took to render (docs/performance.md), more than the SQL of the
person page. Here the entries are a table, their addresses reversed once per process and
URL prefix (`fast_reverse`), and the markup one string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from relais.accounts.models import Role
from relais.network.referrals.policies import can_use_referrals
from relais.network.referrals.selectors import navigation_counts
from relais.web.links import fast_reverse

register = template.Library()

# Who sees an entry: everybody logged in, a manager, any member, a member other than
# reception staff, platform staff, a member who may use referrals.
ANYONE, MANAGER, MEMBER, NOT_RECEPTION, PLATFORM_STAFF, REFERRALS = range(6)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    who: int
    is_current: Callable[[str, str], bool]  # (namespace, url_name) of the page shown
    testid: str = ""


def _view(namespace: str, name: str) -> Callable[[str, str], bool]:
    return lambda ns, n: ns == namespace and n == name


def _namespace(*names: str) -> Callable[[str, str], bool]:
    return lambda ns, n: ns in names


ENTRIES = (
    # The home entry's label depends on the role: see `_home_label`.
    Entry("", "web:home", ANYONE, _view("web", "home")),
    Entry("Membres", "organisations:members", MANAGER, _view("organisations", "members")),
    Entry("Journal d'accès", "organisations:journal", MANAGER, _view("organisations", "journal")),
    Entry("Doublons", "people:duplicates", MANAGER, _view("people", "duplicates")),
    Entry(
        "Conservation",
        "lifecycle:overview",
        MANAGER,
        _view("lifecycle", "overview"),
        "nav-retention",
    ),
    Entry("Orientations", "referrals:inbox", REFERRALS, _namespace("referrals"), "nav-referrals"),
    Entry("Indicateurs", "reporting:home", NOT_RECEPTION, _namespace("reporting"), "nav-reporting"),
    Entry("Agenda", "agenda:week", MEMBER, _namespace("agenda"), "nav-agenda"),
    Entry(
        "Coordination",
        "tools:home",
        MEMBER,
        _namespace("tools", "collective", "meetings", "practice", "safety"),
        "nav-tools",
    ),
    Entry("Employeurs", "employment:employers", MEMBER, _namespace("employment"), "nav-employment"),
    Entry("Projets et ateliers", "projects:list", MEMBER, _namespace("projects"), "nav-projects"),
    Entry("Annuaire", "directory:list", MEMBER, _namespace("directory")),
    Entry(
        "Personnes co-suivies",
        "teams:cofollowed",
        MEMBER,
        _view("teams", "cofollowed"),
        "nav-cofollowed",
    ),
    Entry(
        "Trouver un service", "search:services", MEMBER, _view("search", "services"), "nav-search"
    ),
    Entry(
        "Cartographie", "search:actor_map", MEMBER, _view("search", "actor_map"), "nav-actor-map"
    ),
    Entry("Territoire", "territory:home", MEMBER, _namespace("territory"), "nav-territory"),
    Entry(
        "Certification",
        "certification:home",
        MEMBER,
        _namespace("certification"),
        "nav-certification",
    ),
    Entry("Mon compte", "accounts:account", ANYONE, _view("accounts", "account")),
    Entry("Administration de la plateforme", "admin:index", PLATFORM_STAFF, lambda ns, n: False),
)


def _home_label(membership) -> str:
    if membership is None:
        return "Accueil"
    return "Rechercher une personne" if membership.role == Role.STAFF else "File active"


def _item(label: str, url: str, current: bool, testid: str = "", extra: str = "") -> str:
    attributes = f' data-testid="{testid}"' if testid else ""
    if current:
        attributes += ' aria-current="page"'
    return (
        f'<li class="fr-nav__item"><a class="fr-nav__link" href="{escape(url)}"{attributes}>'
        f"{label}{extra}</a></li>"
    )


def _referral_counts(membership) -> str:
    """The badges of « Orientations »: the new referrals of the inbox and the unseen
    answers to the user's own (one query for both)."""
    new, answers = navigation_counts(membership.organisation_id, membership.user_id)
    extra = ""
    if new:
        extra += (
            ' <span class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon">'
            f'{int(new)}<span class="fr-sr-only"> nouvelle{"s" if new > 1 else ""}</span></span>'
        )
    if answers:
        extra += (
            ' <span class="fr-badge fr-badge--sm fr-badge--success fr-badge--no-icon"'
            f' data-testid="nav-answers">{int(answers)}<span class="fr-sr-only"> réponse'
            f"{'s' if answers > 1 else ''} à vos orientations</span></span>"
        )
    return extra


def _sees(who: int, user, membership) -> bool:
    if who == ANYONE:
        return True
    if who == PLATFORM_STAFF:
        return bool(user.is_staff)
    if who == REFERRALS:
        return can_use_referrals(membership)
    if membership is None:
        return False
    if who == MANAGER:
        return membership.role == Role.MANAGER
    if who == NOT_RECEPTION:
        return membership.role != Role.STAFF
    return True


def main_nav_items(request) -> str:
    """The `<li>` entries of the main navigation for `request`'s user and current page."""
    user = request.user
    membership = getattr(request, "membership", None)
    match = request.resolver_match
    namespace, url_name = (match.namespace, match.url_name) if match else ("", "")
    parts = []
    for entry in ENTRIES:
        if not _sees(entry.who, user, membership):
            continue
        label = entry.label or _home_label(membership)
        current = entry.is_current(namespace, url_name)
        extra = _referral_counts(membership) if entry.who == REFERRALS else ""
        parts.append(_item(label, fast_reverse(entry.url_name), current, entry.testid, extra))
    return "\n".join(parts)


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    return mark_safe(main_nav_items(context["request"]))  # noqa: S308 (escaped above)
