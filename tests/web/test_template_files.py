"""Template files stay small: the largest is about 12 KiB.

A template that grows past this limit has almost surely been damaged (an edit that repeated
a block thousands of times once turned two pages into 41 MB answers that every test still
passed, the tests' data being small)."""

from pathlib import Path

import relais

LIMIT = 32 * 1024


def test_no_template_file_is_oversized():
    root = Path(relais.__file__).parent
    templates = list(root.rglob("templates/**/*.html"))
    assert len(templates) > 100
    oversized = {
        str(path.relative_to(root)): path.stat().st_size
        for path in templates
        if path.stat().st_size > LIMIT
    }
    assert not oversized, oversized
