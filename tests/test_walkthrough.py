"""README's "Make a brief for a new audience", followed literally: same commands, same edits."""

from __future__ import annotations

import re
import subprocess

import docx
from pypdf import PdfReader

from conftest import REPO

SECTION = "## Make a brief for a new audience"
BANNER = "Briefing for the Committee on International Affairs"


def walkthrough_blocks() -> list[tuple[str, str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


def run_commands(commands: str, cwd) -> None:
    result = subprocess.run(
        ["bash", "-e", "-c", commands], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_walkthrough_changes_both_formats_and_nothing_else(tmp_path):
    blocks = walkthrough_blocks()
    assert [kind for kind, _ in blocks] == ["sh", "jinja", "css", "yaml", "sh"]
    (_, setup), (_, block), (_, css), (_, audience), (_, build) = blocks
    run_commands(setup, tmp_path)
    workspace = tmp_path / "committee-briefs"
    template = workspace / "templates" / "committee" / "brief.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + block, encoding="utf-8")
    style = workspace / "templates" / "committee" / "style.css"
    style.write_text(style.read_text(encoding="utf-8") + css, encoding="utf-8")
    spec = workspace / "briefs" / "sample.yaml"
    spec.write_text(spec.read_text().replace("audience: minister\n", audience), encoding="utf-8")
    run_commands(build, workspace)

    pdf = " ".join(page.extract_text() for page in PdfReader(workspace / "build/sample.pdf").pages)
    word = docx.Document(str(workspace / "build" / "sample.docx"))
    assert BANNER.upper() in pdf  # the CSS sets it in capitals
    assert BANNER in [p.text for p in word.paragraphs]
    assert "Purpose" in pdf and "Key points" in pdf  # the rest of the minister layout is kept

    # Every other audience is unchanged: the same brief for the minister has no banner.
    spec.write_text(spec.read_text().replace(audience, "audience: minister\n"), encoding="utf-8")
    run_commands("briefgen build briefs/sample.yaml -o minister-build", workspace)
    minister = PdfReader(workspace / "minister-build" / "sample.pdf").pages[0].extract_text()
    assert BANNER.upper() not in minister and "Purpose" in minister
