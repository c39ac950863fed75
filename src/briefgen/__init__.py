"""briefgen: YAML briefing specs in, PDF and DOCX briefing notes out."""

from __future__ import annotations

__version__ = "0.1.0"
