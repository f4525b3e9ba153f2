"""Concurrent edits of every versioned record: colleagues saving the same version at the same
instant — one save wins, every other is refused as stale (nothing silently overwritten).
Threads on PostgreSQL, where writers really run at once (SQLite serialises them)."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps
from django.db import connection

from relais.core.errors import StaleObjectError
from relais.core.models import VersionedModel
from relais.core.versioning import update_versioned
from tests.security.world import build_world

WRITERS = 4


def versioned_models():
    return sorted(
        (m for m in apps.get_models() if issubclass(m, VersionedModel)),
        key=lambda m: m._meta.label,
    )


def test_the_versioned_models_are_found():
    labels = {m._meta.label_lower for m in versioned_models()}
    assert {"people.person", "pathways.goal", "pathways.appointment"} <= labels


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_version_let_exactly_one_through():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (run by .ci/run)")
    actor = build_world().users["referent"]
    tried = []
    for model in versioned_models():
        instance = model._base_manager.first()
        if instance is None:
            continue
        tried.append(model._meta.label)
        expected = instance.version
        barrier = threading.Barrier(WRITERS)
        outcomes: list[str] = []

        def save(instance=instance, expected=expected, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                update_versioned(
                    type(instance)._base_manager.get(pk=instance.pk),
                    expected_version=expected,
                    actor=actor,
                    changes={},
                )
                outcomes.append("saved")
            except StaleObjectError:
                outcomes.append("stale")
            except Exception as error:  # shown in the assertion below
                outcomes.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=save) for _ in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["saved"] + ["stale"] * (WRITERS - 1), model._meta.label
        instance.refresh_from_db()
        assert instance.version == expected + 1, model._meta.label
    # The world holds one record of every versioned kind: none was left untried.
    assert len(tried) == len(versioned_models()), set(
        m._meta.label for m in versioned_models()
    ) - set(tried)
