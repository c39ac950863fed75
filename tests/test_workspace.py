"""Where briefgen looks for templates: the spec's workspace, then the built-in ones."""

from __future__ import annotations

from briefgen.workspace import audiences, builtin_templates_dir, find_workspace, template_dirs


def test_spec_in_briefs_folder_belongs_to_the_folder_above(tmp_path):
    spec = tmp_path / "ws" / "briefs" / "b.yaml"
    spec.parent.mkdir(parents=True)
    assert find_workspace(spec) == (tmp_path / "ws").resolve()


def test_spec_elsewhere_belongs_to_its_own_folder(tmp_path):
    assert find_workspace(tmp_path / "loose.yaml") == tmp_path.resolve()


def test_templates_planted_higher_up_are_not_used(tmp_path):
    (tmp_path / "templates" / "minister").mkdir(parents=True)
    (tmp_path / "templates" / "minister" / "brief.html.j2").write_text("planted")
    spec = tmp_path / "a" / "b" / "brief.yaml"
    spec.parent.mkdir(parents=True)
    assert template_dirs(spec) == [builtin_templates_dir().resolve()]


def test_workspace_templates_come_first(tmp_path):
    (tmp_path / "templates" / "minister").mkdir(parents=True)
    (tmp_path / "templates" / "minister" / "brief.html.j2").write_text("mine")
    (tmp_path / "briefs").mkdir()
    dirs = template_dirs(tmp_path / "briefs" / "b.yaml")
    assert dirs[0] == (tmp_path / "templates").resolve()
    found = audiences(dirs)
    assert found["minister"] == (tmp_path / "templates" / "minister").resolve()
    assert set(found) == {"minister", "defence", "humanitarian", "press"}
