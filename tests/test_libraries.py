"""WeasyPrint finds its libraries from the linker cache while briefgen imports it."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from briefgen.render.libraries import linker_cache, quick_library_lookup

WEASYPRINT_LIBRARIES = ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0"]


@pytest.mark.parametrize("name", WEASYPRINT_LIBRARIES)
def test_the_quick_lookup_finds_what_the_usual_one_finds(name, monkeypatch):
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    before = ctypes.util.find_library
    usual = before(name)
    assert usual is not None  # installed by scripts/install-system-packages
    with quick_library_lookup():
        assert ctypes.util.find_library is not before
        assert ctypes.util.find_library(name) == usual
    assert ctypes.util.find_library is before  # put back


def test_a_missing_name_does_not_run_compilers(monkeypatch):
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    ran = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: ran.append(a) or real_run(*a, **k))
    with quick_library_lookup():
        ran.clear()  # reading the linker cache is allowed, once
        assert ctypes.util.find_library("libharfbuzz-vector-0") is None
        assert ctypes.util.find_library("no-such-library-at-all") is None
    assert ran == []


def test_ld_library_path_keeps_the_usual_search(monkeypatch):
    monkeypatch.setenv("LD_LIBRARY_PATH", "/nowhere")
    asked = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name))
    with quick_library_lookup():
        ctypes.util.find_library("no-such-library-at-all")
    assert asked == ["no-such-library-at-all"]


def test_the_cache_is_read_and_weasyprint_imports_without_the_usual_search():
    assert any(name.startswith("libpango-1.0.so") for name in linker_cache())
    code = (
        "import ctypes.util\n"
        "calls = []\n"
        "usual = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: calls.append(name) or usual(name)\n"
        "import briefgen.render.pdf\n"
        "print(len(calls))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "0", result.stdout + result.stderr
