"""Raw HTML in articles: what the sanitiser removes, and ``kb check`` naming it by line."""

from __future__ import annotations

import pytest

from kb_builder.core.sanitize import clean, has_markup, unsafe_constructs
from tests.conftest import article
from tests.kb_builder.test_checks import in_site, run_check

__all__ = ["in_site"]

HOSTILE_BODY = """\
Intro <img src=x alt=x onerror=alert(1)> text.
<iframe srcdoc="<script>alert(1)</script>"></iframe>
[x](javascript:alert(1)) and [y][r] and ![pic](http://evil.example/p.png)

[r]: javascript:alert(2)

<object data="x.swf"></object><embed src=x>
<form action="http://evil.example/"><input name=q></form>
<svg><a xlink:href="javascript:alert(3)">x</a></svg>
<meta http-equiv=refresh content="0;url=http://evil.example/"><base href="http://evil.example/">
<style>@import url(http://evil.example/x.css);</style>
<a href="&#106;avascript:alert(4)">j</a> <a href="data:text/html,x">d</a>
<div class="admonition note" id="__config"><p>x</p></div>
<script>alert(5)</script>
`<script>` in code is shown, not run.

```html
<script>also shown</script>
```
"""

EXPECTED = "'html': expected only HTML the sanitiser keeps, got"


def test_check_reports_every_construct_the_sanitiser_removes_with_its_line(make_site, in_site):
    make_site({"email/quota.md": article("Quota", HOSTILE_BODY)})
    code, lines = run_check()
    assert code == 1
    at = "docs/email/quota.md"
    assert lines == [
        f"{at}:9: {EXPECTED} onerror='alert(1)' on <img> (removed)",
        f"{at}:10: {EXPECTED} <iframe> (removed)",
        f"{at}:11: {EXPECTED} href='javascript:alert(1' on <a> (removed)",
        f"{at}:11: {EXPECTED} src='http://evil.example/p.png' on <img> (removed)",
        f"{at}:13: {EXPECTED} href='javascript:alert(2)' on <a> (removed)",
        f"{at}:15: {EXPECTED} <object> (removed)",
        f"{at}:15: {EXPECTED} <embed> (removed)",
        f"{at}:16: {EXPECTED} <form> (removed)",
        f"{at}:16: {EXPECTED} <input> (removed)",
        f"{at}:17: {EXPECTED} <svg> (removed)",
        f"{at}:17: {EXPECTED} xlink:href='javascript:alert(3)' on <a> (removed)",
        f"{at}:18: {EXPECTED} <meta> (removed)",
        f"{at}:18: {EXPECTED} <base> (removed)",
        f"{at}:19: {EXPECTED} <style> (removed)",
        f"{at}:20: {EXPECTED} href='javascript:alert(4)' on <a> (removed)",
        f"{at}:20: {EXPECTED} href='data:text/html,x' on <a> (removed)",
        f"{at}:21: {EXPECTED} id='__config' on <div> (removed)",
        f"{at}:22: {EXPECTED} <script> (removed)",
    ]


def test_images_from_an_allowed_host_pass(make_site, in_site):
    make_site(
        {"email/quota.md": article("Quota", "![The page](https://img.example.com/a.png)\n")},
        plugin={"allowed_hosts": ["img.example.com"]},
    )
    assert run_check() == (0, [])


def test_long_values_are_quoted_shortened(make_site, in_site):
    make_site({"email/quota.md": article("Quota", f'<a href="javascript:{"x" * 200}">a</a>\n')})
    _, lines = run_check()
    assert lines[0] == (
        f"docs/email/quota.md:9: {EXPECTED} href='javascript:{'x' * 48}…' on <a> (removed)"
    )


def test_markup_in_title_summary_keywords_questions_and_tags_is_an_error(make_site, in_site):
    make_site(
        {
            "email/quota.md": article(
                "<img src=x onerror=alert(1)>",
                summary="Quota &lt;b&gt; full.",
                tags="email, '<b>x</b>'",
                extra_front="keywords: ['ok & fine', 'x < y', '<svg/onload=alert(1)>']\n"
                "questions: ['Why is A < B?', 'Why <script>x</script>?']",
            )
        }
    )
    code, lines = run_check()
    plain = "expected plain text without HTML tags or character references"
    assert code == 1
    assert lines == [
        f"docs/email/quota.md:2: 'title': {plain}, got '<img src=x onerror=alert(1)>'",
        f"docs/email/quota.md:3: 'summary': {plain}, got 'Quota &lt;b&gt; full.'",
        f"docs/email/quota.md:4: 'tags': {plain}, got '<b>x</b>'",
        f"docs/email/quota.md:5: 'keywords': {plain}, got '<svg/onload=alert(1)>'",
        f"docs/email/quota.md:6: 'questions': {plain}, got 'Why <script>x</script>?'",
    ]


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("Limits for A & B", False),
        ("x < y and y > z", False),
        ("<b>bold</b>", True),
        ("</title>", True),
        ("<!-- c -->", True),
        ("&lt;", True),
        ("&#60;", True),
    ],
)
def test_has_markup(text, markup):
    assert has_markup(text) is markup


def test_clean_keeps_what_material_and_pymdown_emit():
    # (Python-Markdown writes "text-align: left;"; nh3 writes the same rule as below.)
    kept = (
        '<h2 id="raise">Raise<a class="headerlink" href="#raise" title="Permanent link">¶</a></h2>'
        '<div class="admonition warning"><p class="admonition-title">Careful</p><p>x</p></div>'
        '<details class="note" open=""><summary>More</summary><p>y</p></details>'
        '<table><thead><tr><th style="text-align:left">a</th></tr></thead>'
        '<tbody><tr><td style="text-align:right">1</td></tr></tbody></table>'
        '<div class="highlight"><pre><span></span><code><a id="__codelineno-0-1" '
        'name="__codelineno-0-1" href="#__codelineno-0-1"></a>ls</code></pre></div>'
        '<p><abbr title="Domain Name System">DNS</abbr> <span class="keys">'
        '<kbd class="key-control">Ctrl</kbd></span> <a href="../quota/">q</a> '
        '<a href="mailto:support@example.com">m</a> <img alt="shot" src="img/a.png"></p>'
        "<!-- kb:blocks -->"
    )
    assert clean(kept) == kept


def test_clean_removes_external_images_unless_their_host_is_allowed():
    markup = '<img alt="a" src="https://img.example.com/a.png"><img alt="b" src="//evil.example/b">'
    assert clean(markup) == '<img alt="a"><img alt="b">'
    assert clean(markup, allowed_hosts=["IMG.example.com"]) == (
        '<img alt="a" src="https://img.example.com/a.png"><img alt="b">'
    )


def test_a_marked_section_does_not_hide_the_tags_after_it():
    # Python 3.11's HTMLParser asserted on "<![1"; Markdown writes it out as text.
    assert list(unsafe_constructs("x <![1 y\n<script>alert(1)</script>")) == [
        (2, "<script> (removed)")
    ]


ATTRIBUTE_BODY = """\
Click [here](https://example.com/){onclick="alert(1)"} now.

Go [there](#symptoms){href="javascript:alert(2)"}.

A paragraph with a background.
{: style="background:url(http://evil.example/x.png)" }

![The page](img/a.png){width=300 .big} keeps its size, {{ extra.company }} its name.

- A step

    [r]: javascript:alert(3)

> [q]: javascript:alert(4)
"""


def test_check_reports_attribute_lists_and_nested_references_the_sanitiser_removes(
    make_site, in_site
):
    # attr_list sets attributes from "{...}"; a reference definition may sit in a list item
    # or a quote. The built page loses each of them, so the check names them.
    make_site({"email/quota.md": article("Quota", ATTRIBUTE_BODY), "email/img/a.png": "png"})
    code, lines = run_check()
    at = "docs/email/quota.md"
    assert code == 1
    assert lines == [
        f"{at}:9: {EXPECTED} onclick='alert(1)' on <a> (removed)",
        f"{at}:11: {EXPECTED} href='javascript:alert(2)' on <a> (removed)",
        f"{at}:14: {EXPECTED} style='background:url(http://evil.example/x.png)' on <p> (removed)",
        f"{at}:20: {EXPECTED} href='javascript:alert(3)' on <a> (removed)",
        f"{at}:22: {EXPECTED} href='javascript:alert(4)' on <a> (removed)",
    ]


def test_attribute_lists_the_sanitiser_keeps_pass(make_site, in_site):
    body = (
        "## Steps {#steps .wide}\n\n![Shot](img/a.png){width=300 loading=lazy}\n\n"
        "Sets {a, b} in prose.\n"
    )
    make_site({"email/quota.md": article("Quota", body), "email/img/a.png": "png"})
    assert run_check() == (0, [])
