"""Observed needs of the territory, for linking a project to them: the extension point for
the territory module (social needs analysis).

`relais.territory` sits in the layer below `relais.projects` and is built separately. When
it is there, it registers a source here in its `AppConfig.ready`:

    from relais.projects import needs          # not allowed: territory is below projects

…is the wrong way round, so the registration goes the other way: `ProjectsConfig.ready` (or
this module, at first use) looks for `relais.territory.observed_needs` with
`importlib.util.find_spec` and, when present, expects two functions:

- `choices(organisation_id) -> list[tuple[str, str]]`: (key, label) of the needs observed
  on the organisation's territory, keys of at most 100 characters;
- `label(key) -> str`.

A project's need stores the key in `ProjectNeed.observed_need`. Without the module, the
list is empty and a need is a barrier of the diagnostics' vocabulary or free text.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

SOURCE = "relais.territory.observed_needs"


def _source() -> ModuleType | None:
    try:
        if importlib.util.find_spec(SOURCE) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(SOURCE)


def choices(organisation_id: int) -> list[tuple[str, str]]:
    source = _source()
    return list(source.choices(organisation_id)) if source else []


def is_known(key: str, organisation_id: int) -> bool:
    return any(k == key for k, _ in choices(organisation_id))


def label(key: str) -> str:
    source = _source()
    return source.label(key) if source else key
