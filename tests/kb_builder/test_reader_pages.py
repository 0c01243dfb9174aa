"""What the plugin adds to the pages readers see: the article's markers for the scripts,
and scripts only on the pages that use them (real MkDocs builds in tmp_path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import article

# Articles may not hold forms (the sanitiser removes them): the plugin puts its demo
# ticket form where an article has this marker.
FORM = "<!-- kb:ticket-demo -->\n"


def test_article_pages_name_title_ticket_form_and_views(make_site: Callable[..., Any]) -> None:
    site = make_site(
        {"email/quota.md": article("Mailbox quota & storage")},
        plugin={"ticket_url": "https://billing.example.com/submitticket.php?step=2&deptid=1"},
    ).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert '<meta name="kb:title" content="Mailbox quota &amp; storage">' in page
    assert (
        '<meta name="kb:ticket-url" '
        'content="https://billing.example.com/submitticket.php?step=2&amp;deptid=1">'
    ) in page
    assert '<meta name="kb:views" content="off">' in page


def test_show_views_turns_the_view_count_on(make_site: Callable[..., Any]) -> None:
    site = make_site({"email/quota.md": article("Quota")}, plugin={"show_views": True}).build()
    page = (site / "email" / "quota" / "index.html").read_text()
    assert '<meta name="kb:views" content="on">' in page
    assert '<meta name="kb:ticket-url" content="support/open-a-ticket/">' in page


def test_the_widget_script_loads_only_where_a_form_uses_it(
    make_site: Callable[..., Any],
) -> None:
    site = make_site(
        {
            "email/quota.md": article("Quota"),
            "support/open-a-ticket.md": article("Open a ticket", FORM, tags="support"),
        }
    ).build()
    form_page = (site / "support" / "open-a-ticket" / "index.html").read_text()
    assert form_page.count('<script src="../../assets/kb/kb-widget.js" defer></script>') == 1
    for other in ("index.html", "email/index.html", "email/quota/index.html"):
        text = (site / other).read_text()
        assert "kb-widget.js" not in text, other
        assert "assets/kb/kb-feedback.js" in text and "assets/kb/kb-search.js" in text
    assert (site / "assets" / "kb" / "kb-widget.js").is_file()
