"""Paths of pages built once per URL name (`relais.web.links.fast_reverse`): the same as
Django's `reverse`, whatever the arguments."""

import pytest
from django.urls import NoReverseMatch, reverse

from relais.web.links import fast_reverse, resolve


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("people:detail", (1,)),
        ("people:detail", (987_654_321,)),
        ("people:detail", (12,)),
        ("people:section", (42, "chronologie")),
        ("people:section", (42, "conservation")),
        ("people:section", (7, "987654320")),
        ("pathways:note_detail", (3, 44)),
        ("pathways:note_detail", (44, 3)),
        ("pathways:timeline", (0,)),
    ],
)
def test_same_path_as_reverse(name, args):
    assert fast_reverse(name, *args) == reverse(name, args=args)
    assert fast_reverse(name, *args) == reverse(name, args=args)  # from the cache


def test_what_reverse_refuses_is_refused():
    with pytest.raises(NoReverseMatch):
        fast_reverse("people:detail", -1)
    with pytest.raises(NoReverseMatch):
        fast_reverse("people:detail", 1, 2)
    with pytest.raises(NoReverseMatch):
        fast_reverse("people:detail", "chronologie")
    for text in ("a/b", "avec espace", "é-accent"):
        with pytest.raises(NoReverseMatch):
            fast_reverse("people:section", 1, text)
    assert resolve("person", -1) == ""
    assert resolve("no such kind", 1) == ""
    assert resolve("person", 7) == reverse("people:detail", args=[7])
