"""A French phonetic key for personal names: names that a reception desk hears alike get
the same key, whatever the spelling.

« Cissé » / « Sissé » → "sise", « Belkacem » / « Belkassem » → "belkasem", « Youssef » /
« Youcef » → "iosef", « Mohamed » / « Mouhamed » → "moame", « Lefèvre » / « Lefebvre »
→ "lefevre", « Le Goff » / « Legoff » → "legof", « Dupont » / « Dupond » → "dopon".

Written for Relais (docs/decisions/0030-identity-matching.md says why no package): the
input is folded (relais.core.text.collapse: ASCII, lowercase, no spaces), then a few
ordered rewritings of French spelling are applied — consonant groups first (ph, ch, qu,
soft c and g, x, z, w, silent h), then vowel groups reduced to five vowels (o for o, u, ou,
au, eau; e for e, ai, ei; i for i and y), doubled letters made single, and the silent
endings of French names dropped (final s, t, d, x, z). Vowels and a final e are kept,
unlike Soundex: « Marie » and « Mario », « Jean » and « Jeanne » must stay apart (twins
are often given close names)."""

from __future__ import annotations

import re
from functools import lru_cache

from relais.core.text import collapse

# Ordered rewritings; upper-case letters are placeholders protected from later rules.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z]", ""),
        (r"ch(?=[rl])", "K"),  # « Christophe »
        (r"tch|tsch|sch|sh|ch", "C"),  # « ch » sound
        (r"ph", "f"),
        (r"dj", "J"),
        (r"gu(?=[eiy])", "G"),  # hard g: « Guérin »
        (r"g(?=[eiy])", "J"),  # soft g: « Gilles » / « Jilles »
        (r"ge(?=[aou])", "J"),  # « Georges »
        (r"qu|q|ck|kh|cc(?![eiy])|c(?![eiy])", "K"),
        (r"c", "s"),  # soft c: « Cissé » / « Sissé »
        (r"gh", "G"),
        (r"th", "t"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"w", "v"),
        (r"b(?=v)", ""),  # « Lefebvre »
        (r"h", ""),
        (r"y", "i"),
        (r"eau|au|ou|u", "o"),
        (r"ai|ei|ay|ey", "e"),
        (r"(.)\1+", r"\1"),
        (r"(?<=.)[stdxz]+$", ""),  # silent endings: « Dupont », « Renaud », « Dumas »
        (r"ie$", "i"),  # « Lucie » / « Lucy »
    )
)


@lru_cache(maxsize=65536)
def french_phonetic(name: str) -> str:
    """The phonetic key of one name (its particles and words joined): "" when it has no
    letter (a name in a script with no Latin transliteration keeps its folded form)."""
    text = collapse(name)
    folded = text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = text.lower()
    text = re.sub(r"(.)\1+", r"\1", text)
    return text or re.sub(r"[^a-z0-9]", "", folded)
