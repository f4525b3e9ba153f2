"""The writing check (relais.pathways.writing_check) on forms other than notes: texts that
leave the organisation — a referral's reason and request, a case conference's agenda and
minutes. Same behaviour as the note form (decision 0018): the words to reconsider are shown,
highlighted, before saving; the author corrects, or confirms with « Enregistrer quand
même », a confirmation bound to the words shown (a new word typed since is shown first).
The page includes "includes/writing_check.html" with `writing`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from relais.pathways import writing_check
from relais.pathways.writing_check import Segment, WritingFlag

# Names of the hidden input and the confirmation button of includes/writing_check.html.
SEEN_FIELD = "flags_seen"
ANYWAY_BUTTON = "save_anyway"


@dataclass(frozen=True)
class CheckedText:
    label: str
    flags: list[WritingFlag]
    segments: list[Segment]


@dataclass
class WritingReview:
    texts: list[CheckedText] = field(default_factory=list)
    fingerprint: str = ""
    accepted: bool = True
    confirm_label: str = "Enregistrer quand même"

    @property
    def flags(self) -> list[WritingFlag]:
        """Every distinct word to reconsider, across the texts."""
        return writing_check.grouped([f for t in self.texts for f in t.flags])

    @property
    def flagged(self) -> list[CheckedText]:
        return [t for t in self.texts if t.flags]

    @property
    def shown(self) -> bool:
        """Whether the page must show the words and wait for a confirmation."""
        return not self.accepted

    def stored(self) -> list[dict[str, str]]:
        return [f.as_stored() for f in self.flags]


def review(
    texts: Mapping[str, str],
    data: Mapping[str, str],
    *,
    confirm_label: str = "Enregistrer quand même",
) -> WritingReview:
    """Check `texts` ({label: text}); `data`, the submitted form: accepted when nothing is
    flagged, or when the author confirmed exactly the words now flagged."""
    checked = []
    every_flag: list[WritingFlag] = []
    for label, text in texts.items():
        flags = writing_check.check_text(text or "")
        every_flag += flags
        checked.append(
            CheckedText(
                label=label,
                flags=writing_check.grouped(flags),
                segments=writing_check.highlight(text, flags) if flags else [],
            )
        )
    fingerprint = writing_check.flags_fingerprint(every_flag)
    accepted = not every_flag or (
        data.get(ANYWAY_BUTTON) == "1" and data.get(SEEN_FIELD) == fingerprint
    )
    return WritingReview(
        texts=checked, fingerprint=fingerprint, accepted=accepted, confirm_label=confirm_label
    )
