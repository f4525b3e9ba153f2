"""Project-wide test fixtures: strict templates, factories-backed users, verified logins."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from tests import flush
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import login_verified

flush.install()

PROJECT_TEMPLATES = str(Path(settings.BASE_DIR) / "relais")


class UndefinedTemplateVariable(AssertionError):
    pass


class _StrictInvalid(str):
    """`string_if_invalid` that fails on unknown variables in the project's own templates
    (third-party templates such as the admin's keep Django's lenient behaviour)."""

    def __new__(cls):
        return super().__new__(cls, "")

    def __contains__(self, key):  # Django checks `"%s" in string_if_invalid`
        return key == "%s"

    def __bool__(self):
        return True

    def __mod__(self, variable):
        frame = inspect.currentframe()
        while frame is not None:
            node = frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            name = getattr(origin, "name", None)
            if isinstance(name, str):
                if name.startswith(PROJECT_TEMPLATES):
                    raise UndefinedTemplateVariable(f"Variable inconnue « {variable} » dans {name}")
                return ""
            frame = frame.f_back
        return ""


BROWSER_TESTS = "tests/browser/"
# Files that share one package-scoped fixture too costly to build twice (tests/demo/seeded).
ONE_WORKER = (BROWSER_TESTS, "tests/demo/seeded/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` (pyproject.toml), except that the browser tests are one unit, handed
    out first: they all run on one worker while the others share the server-side tests (the
    files of the seeded demo are one unit as well, to seed it once).
    Chromium alone keeps about one and a half cores busy, so two browsers at once on two
    cores are slower than one. (`--dist loadgroup` would group them by `xdist_group` marks,
    but pytest-xdist 3.8 ignores these marks under pytest 9.2: pytest-dev/pytest-xdist#1386.)
    Each file's tests, and the browser tests, keep pytest-randomly's order."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserTestsFirstTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return next((unit for unit in ONE_WORKER if path.startswith(unit)), path)

        def _assign_work_unit(self, node) -> None:
            if BROWSER_TESTS in self.workqueue:
                self.workqueue.move_to_end(BROWSER_TESTS, last=False)
            super()._assign_work_unit(node)

    return BrowserTestsFirstTogether(config, log)


@pytest.fixture(autouse=True, scope="session")
def strict_templates():
    engine = engines["django"].engine
    previous = engine.string_if_invalid
    engine.string_if_invalid = _StrictInvalid()
    yield
    engine.string_if_invalid = previous


@pytest.fixture(autouse=True)
def _reset_axes_cache():
    # Axes counts failures in the database (reset per test) — nothing cached to clear,
    # but make sure the lockout counter never leaks between tests through the cache.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role="manager").user


@pytest.fixture
def referent(organisation):
    return MembershipFactory(organisation=organisation, role="referent").user


@pytest.fixture
def staff_member(organisation):
    return MembershipFactory(organisation=organisation, role="staff").user


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def manager_client(client, manager):
    login_verified(client, manager)
    return client


@pytest.fixture
def referent_client(client, referent):
    login_verified(client, referent)
    return client
