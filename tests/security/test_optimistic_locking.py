"""Every record edited by several people has optimistic locking: each service that changes
one (`<entity>_update`) takes the version the user started from, so that a stale form is
refused instead of silently overwriting a colleague's change. A new update service without
`expected_version` fails here (or is listed below with the reason it needs none)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

# Update services that need no version, and why.
EXEMPT = {
    # One number per organisation (months of retention), set by a manager on a page that
    # shows the value in force; each change is journaled with the value before and after.
    "relais.records.retention.retention_policy_update",
}
DOMAIN_PACKAGES = (
    "relais.people",
    "relais.diagnostics",
    "relais.pathways",
    "relais.network",
    "relais.accounts",
    "relais.records",
    "relais.notifications",
    "relais.projects",
)


def update_services():
    found = {}
    for package_name in DOMAIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ != module.__name__:
                    continue
                if name.endswith("_update") and not name.startswith("_"):
                    found[f"{module.__name__}.{name}"] = function
    return found


def test_every_update_service_takes_the_version_it_started_from():
    services = update_services()
    assert len(services) >= 8, sorted(services)  # the search itself works
    missing = [
        name
        for name, function in sorted(services.items())
        if name not in EXEMPT and "expected_version" not in inspect.signature(function).parameters
    ]
    assert not missing, f"update services without optimistic locking: {missing}"


def test_the_exemptions_still_exist():
    assert set(update_services()) >= EXEMPT
