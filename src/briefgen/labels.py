"""Fixed text that templates print (headings of blocks, "Page X of Y"…).

Templates use ``labels.<name>``; a name missing from the catalogue is an error
(StrictUndefined), never an empty heading.
"""

from __future__ import annotations

ENGLISH = {
    "reference": "Reference",
    "date": "Date",
    "for": "For",
    "from": "From",
    "subject": "Subject",
    "critical_date": "Critical date",
    "routine": "Routine",
    "contact_officer": "Contact officer",
    "role": "Role",
    "phone": "Phone",
    "sources": "Sources",
    "question": "Q",
    "answer": "A",
    "page_x_of_y": "Page {page} of {pages}",
    "when": "When",
    "event": "Event",
    "figure": "Figure",
    "value": "Value",
    "point": "Point",
    "source": "Source",
    "who": "Who",
    "draft": "DRAFT",
    "releasable_edition": "RELEASABLE EDITION",
    "decision": "Decision",
    "agreed": "Agreed",
    "not_agreed": "Not agreed",
    "noted": "Noted",
    "please_discuss": "Please discuss",
    "signature": "Signature",
}

CATALOGUES = {"en": ENGLISH}


def labels_for(language: str) -> dict[str, str]:
    # Only English exists so far; other languages fall back to it.
    return CATALOGUES.get(language, ENGLISH)
