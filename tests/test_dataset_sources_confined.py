"""The dataset's source ``file:`` names a regular file inside the dataset's folder."""

from __future__ import annotations

import os
import shutil

import pytest

from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.workspace import DEFAULT_DATASET


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATASET.parent, folder)
    return folder / DEFAULT_DATASET.name


def first_source_file(path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("file:", text.index("sources:")) + len("file:")
    return text[start : text.index("\n", start)].strip()


@pytest.mark.parametrize("kind", ["outside", "fifo", "device-link"])
def test_source_file_outside_or_not_regular_is_refused(dataset, kind, tmp_path):
    original = first_source_file(dataset)
    if kind == "outside":
        replacement = "/etc/hostname"
    else:
        target = dataset.parent / "odd.txt"
        if kind == "fifo":
            os.mkfifo(target)
        else:
            target.symlink_to("/dev/zero")
        replacement = "odd.txt"
    text = dataset.read_text(encoding="utf-8").replace(f"file: {original}", f"file: {replacement}")
    dataset.write_text(text, encoding="utf-8")
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(dataset)
    assert "must name a regular file inside" in str(excinfo.value)
