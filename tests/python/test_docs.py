"""The reStructuredText pages (README.rst, docs/*.rst) parse without errors
or warnings: a malformed table or a section title that swallows a list
renders as garbage on PyPI and in the docs, silently.  Sphinx's roles
(:class:, :mod:, ...) are registered as plain literals, as docutils alone
does not know them."""
import glob
import io
import os

import pytest

docutils_core = pytest.importorskip("docutils.core")
from docutils import nodes  # noqa: E402
from docutils.parsers.rst import roles  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
PAGES = [os.path.join(ROOT, "README.rst")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.rst")))

for _role in ("class", "mod", "func", "meth", "attr", "data", "exc", "obj", "ref", "doc",
              "c:func", "c:type", "c:macro"):
    roles.register_generic_role(_role, nodes.literal)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: os.path.relpath(p, ROOT))
def test_page_parses_cleanly(page):
    assert os.path.exists(page)
    with open(page, encoding="utf-8") as f:
        text = f.read()
    warnings = io.StringIO()
    docutils_core.publish_doctree(text, source_path=page, settings_overrides={
        "warning_stream": warnings, "report_level": 2, "halt_level": 5})
    problems = [line for line in warnings.getvalue().splitlines()
                if "(WARNING/2)" in line or "(ERROR/3)" in line or "(SEVERE/4)" in line]
    assert not problems, "\n".join(problems)


def test_a_broken_page_is_reported():
    """The check itself: a malformed table is an error it sees."""
    warnings = io.StringIO()
    docutils_core.publish_doctree("=====  ===\na      b\nccccccc d\n=====  ===\n", settings_overrides={
        "warning_stream": warnings, "report_level": 2, "halt_level": 5})
    assert "Malformed table" in warnings.getvalue()
