"""The documentation site: mkdocs.yml's nav names pages that exist, every
page under docs/ is in the nav, every relative link in docs/, README.md
and CONTRIBUTING.md reaches its file (and heading), and, where mkdocs and
mkdocstrings are installed (the ``docs`` extra), ``mkdocs build --strict``
succeeds: no warning from MkDocs, its link checks or the docstrings.

The link checks are plain Python: they run everywhere the source tree is,
and skip where only tests/ was copied next to an installed wheel."""
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"

if not (MKDOCS_YML.is_file() and DOCS.is_dir()):
    pytest.skip("no mkdocs.yml and docs/ next to tests/ (a test run outside the source tree)",
                allow_module_level=True)

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def nav_files():
    """The .md paths named in mkdocs.yml's nav (read without YAML: one
    ``- Title: page.md`` per line)."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    match = re.search(r"^nav:\s*\n((?:[ \t]+.*\n?|\s*\n)*)", text, re.M)
    assert match, "mkdocs.yml has no nav"
    return re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", match.group(1), re.M)


def strip_code(text):
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path):
    """(target, anchor) of every relative link and image in a Markdown file."""
    for target in LINK.findall(strip_code(path.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("/"):
            continue  # http:, mailto:, absolute: not checked here
        file, _, anchor = target.partition("#")
        yield file, anchor


def slugs(heading):
    """The anchor ids a heading gets: Python-Markdown's toc (which collapses
    runs of spaces and hyphens) and GitHub's (which does not)."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return {re.sub(r"[-\s]+", "-", text), re.sub(r"\s", "-", text)}


def anchors(path):
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return set().union(*(slugs(h) for h in HEADING.findall(text)))


def markdown_files():
    files = sorted(DOCS.rglob("*.md"))
    files += [p for p in (ROOT / "README.md", ROOT / "CONTRIBUTING.md") if p.is_file()]
    return files


def test_nav_pages_exist():
    pages = nav_files()
    assert "index.md" in pages
    missing = [p for p in pages if not (DOCS / p).is_file()]
    assert not missing, f"mkdocs.yml's nav names pages that do not exist: {missing}"
    assert len(pages) == len(set(pages)), "a page is in the nav twice"


def test_every_page_is_in_the_nav():
    pages = set(nav_files())
    orphans = [p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
               if p.relative_to(DOCS).as_posix() not in pages]
    assert not orphans, f"pages under docs/ missing from mkdocs.yml's nav: {orphans}"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path):
    broken = []
    for file, anchor in links(path):
        target = (path.parent / file).resolve() if file else path
        if not target.exists():
            broken.append(f"{file}: no such file")
            continue
        if not anchor or target.suffix != ".md" or "\n::: " in target.read_text(encoding="utf-8"):
            continue  # pages with mkdocstrings blocks get their anchors at build time
        if anchor.lower() not in anchors(target):
            broken.append(f"{file}#{anchor}: no such heading")
    assert not broken, f"{path.relative_to(ROOT)}: broken links: {broken}"


def test_links_stay_in_docs():
    """A link from a page to a file outside docs/ is not part of the site
    (mkdocs --strict rejects it): name such files as `code` instead."""
    outside = []
    for path in DOCS.rglob("*.md"):
        for file, _ in links(path):
            if file and DOCS not in (path.parent / file).resolve().parents:
                outside.append(f"{path.relative_to(DOCS)}: {file}")
    assert not outside, f"links leaving docs/: {outside}"


def test_strict_build(tmp_path):
    for module, extra in (("mkdocs", "mkdocs"), ("mkdocstrings_handlers.python",
                                                 "mkdocstrings-python")):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            pytest.skip(f"{extra} is not installed (pip install \"fastinit[docs]\")")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line]
    assert proc.returncode == 0 and not warnings, (
        f"mkdocs build --strict failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    assert (tmp_path / "site" / "index.html").is_file()
