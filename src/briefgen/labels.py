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
    "name": "Name",
    "role": "Role",
    "phone": "Phone",
    "email": "Email",
    "sources": "Sources",
    "summary": "Summary",
    "question": "Q",
    "answer": "A",
    "page_x_of_y": "Page {page} of {pages}",
    "when": "When",
    "event": "Event",
    "figure": "Figure",
    "value": "Value",
    "point": "Point",
    "source": "Source",
    "speaker": "Speaker",
    "who": "Who",
    "workstreams": "Workstreams",
    "draft": "DRAFT",
    "releasable_edition": "RELEASABLE EDITION",
    "decision": "Decision",
    "agreed": "Agreed",
    "not_agreed": "Not agreed",
    "noted": "Noted",
    "please_discuss": "Please discuss",
    "signature": "Signature",
    "sources_for_answer": "Sources",
}

CATALOGUES = {"en": ENGLISH}


def labels_for(language: str) -> dict[str, str]:
    # Only English exists so far; other languages fall back to it.
    return CATALOGUES.get(language, ENGLISH)
