"""Stand-ins for the ticket forms our customers run, served from another origin.

Each page reproduces what the widget meets on the real "Open Ticket" page: the field ids
and names, the wrapping markup (Bootstrap rows and form groups, HESK's sections), the
product's own stylesheet rules that matter (the base font size), a form that submits.
Written from the rendered pages' structure: no template code of WHMCS or HESK is copied.

- WHMCS ``six`` and ``twenty-one``: ``#inputSubject``, ``#inputMessage`` (a textarea the
  Markdown editor wraps, whose saved draft the page restores after load without an
  ``input`` event: ``?draft=...`` stands in for it);
- HESK 3.x: no ids, ``input[name=subject]`` and ``textarea[name=message]``.

The widget is attached by one script tag with ``data-api`` only.
"""

# ruff: noqa: E501  (the pages keep their markup one element a line, as the products render it)

from __future__ import annotations

import html
import re
from typing import NamedTuple

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

__all__ = ["FORMS", "TicketForms", "forms_app"]


class TicketForms(NamedTuple):
    """Where the stand-in forms and the knowledge base they attach the widget from run."""

    allowed: str
    """An origin in the API's ``KB_CORS_ORIGINS``."""
    other: str
    """An origin the API does not allow."""
    kb: str
    """The knowledge base: the site, its assets and the API."""


_HEAD = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>html {{ font-size: 16px; }} body {{ font-family: sans-serif; font-size: 16px;
line-height: 1.42857; margin: 0 2rem; }} .form-group {{ margin-bottom: 15px; }}
.form-control {{ display: block; width: 100%; box-sizing: border-box; }}
.hidden {{ display: none; }}</style></head>"""

# A draft restored into the message field the way the Markdown editor does it: the value
# is set by script after load, and no input event is fired.
_DRAFT = """<script>
window.addEventListener("load", function () {
  var draft = new URLSearchParams(location.search).get("draft");
  if (draft) setTimeout(function () { document.querySelector("textarea").value = draft; }, 300);
});
</script>"""

_WHMCS_SIX = """<body><section id="main-body"><div class="container"><div class="row">
<div class="main-content col-md-9 pull-md-right">
<form method="post" action="/submitted" enctype="multipart/form-data" role="form">
 <div class="row">
  <div class="form-group col-sm-4"><label for="inputName">Name</label>
   <input type="text" name="name" id="inputName" value="Sam Reseller" class="form-control disabled" disabled></div>
  <div class="form-group col-sm-5"><label for="inputEmail">Email Address</label>
   <input type="email" name="email" id="inputEmail" value="sam@example.net" class="form-control disabled" disabled></div>
 </div>
 <div class="row"><div class="form-group col-sm-10"><label for="inputSubject">Subject</label>
  <input type="text" name="subject" id="inputSubject" value="" class="form-control"></div></div>
 <div class="row">
  <div class="form-group col-sm-3"><label for="inputDepartment">Department</label>
   <select name="deptid" id="inputDepartment" class="form-control"><option value="1">Technical Support</option></select></div>
  <div class="form-group col-sm-3"><label for="inputPriority">Priority</label>
   <select name="urgency" id="inputPriority" class="form-control"><option>High</option><option selected>Medium</option><option>Low</option></select></div>
 </div>
 <div class="form-group"><label for="inputMessage">Message</label>
  <div class="md-editor" id="md-editor-1"><div class="md-header btn-toolbar"></div>
  <textarea name="message" id="inputMessage" rows="12" class="form-control markdown-editor" data-auto-save-name="client_ticket_open"></textarea>
  <div class="md-footer"></div></div></div>
 <div class="row form-group"><div class="col-sm-12"><label for="inputAttachments">Attachments</label></div>
  <div class="col-sm-9"><input type="file" name="attachments[]" id="inputAttachments" class="form-control"></div></div>
 <div id="autoAnswerSuggestions" class="well hidden"></div>
 <p class="text-center"><input type="submit" id="openTicketSubmit" value="Submit" class="btn btn-primary">
  <a href="#" class="btn btn-default">Cancel</a></p>
</form></div></div></div></section>"""

_WHMCS_TWENTY_ONE = """<body><section id="main-body"><div class="container"><div class="row">
<div class="col-lg-8 col-xl-9 primary-content"><div class="card"><div class="card-body extra-padding">
<h3 class="card-title">Open Ticket</h3>
<form method="post" action="/submitted" enctype="multipart/form-data" role="form">
 <div class="row">
  <div class="form-group col-sm-4"><label for="inputName">Name</label>
   <input type="text" name="name" id="inputName" value="Sam Reseller" class="form-control disabled" disabled></div>
  <div class="form-group col-sm-5"><label for="inputEmail">Email Address</label>
   <input type="email" name="email" id="inputEmail" value="sam@example.net" class="form-control disabled" disabled></div>
 </div>
 <div class="row"><div class="form-group col-sm-10"><label for="inputSubject">Subject</label>
  <input type="text" name="subject" id="inputSubject" value="" class="form-control"></div></div>
 <div class="row">
  <div class="form-group col-sm-3"><label for="inputDepartment">Department</label>
   <select name="deptid" id="inputDepartment" class="form-control custom-select"><option value="1">Technical Support</option></select></div>
  <div class="form-group col-sm-3"><label for="inputPriority">Priority</label>
   <select name="urgency" id="inputPriority" class="form-control custom-select"><option>High</option><option selected>Medium</option><option>Low</option></select></div>
 </div>
 <div class="form-group"><label for="inputMessage">Message</label>
  <div class="md-editor" id="md-editor-1"><div class="md-header btn-toolbar"></div>
  <textarea name="message" id="inputMessage" rows="12" class="form-control markdown-editor" data-auto-save-name="client_ticket_open"></textarea>
  <div class="md-footer"></div></div></div>
 <div class="form-group"><label for="inputAttachments">Attachments</label>
  <div class="input-group mb-1 attachment-group"><div class="custom-file">
   <input type="file" class="custom-file-input" name="attachments[]" id="inputAttachments">
   <label class="custom-file-label" for="inputAttachments">Choose file</label></div></div></div>
 <div id="autoAnswerSuggestions" class="d-none"></div>
 <p class="text-center"><input type="submit" id="openTicketSubmit" value="Submit" class="btn btn-primary">
  <a href="#" class="btn btn-default">Cancel</a></p>
</form></div></div></div></div></div></section>"""

_HESK = """<body class="cust-help"><div class="wrapper"><main class="main"><div class="ticket">
<div class="ticket__body">
<h3 class="ticket-title">Submit a Support Request</h3>
<form class="form form-submit-ticket ticket-create" method="post" action="/submitted" name="form1" id="form1" enctype="multipart/form-data">
 <section class="form-groups">
  <div class="form-group required"><label class="label">Name:</label>
   <input type="text" class="form-control" name="name" maxlength="50" value=""></div>
  <div class="form-group required"><label class="label">Email:</label>
   <input type="email" class="form-control" name="email" maxlength="1000" value=""></div>
 </section>
 <div class="divider"></div>
 <section class="form-groups centered">
  <div class="form-group"><label class="label">Priority:</label>
   <div class="dropdown-select center out-close priority"><select name="priority">
    <option value="3">Low</option><option value="2" selected>Medium</option><option value="1">High</option></select></div></div>
 </section>
 <div class="divider"></div>
 <div class="form-group required"><label class="label">Subject:</label>
  <input type="text" class="form-control" name="subject" maxlength="70" value=""></div>
 <div class="form-group required"><label class="label">Message:</label>
  <textarea class="form-control" name="message" rows="12" cols="60"></textarea></div>
 <div class="form-footer"><button type="submit" class="btn btn-full" ripple="ripple">Submit ticket</button></div>
</form></div></div></main></div>"""

_NO_FIELDS = """<body><form action="/submitted" method="post">
<label for="q">Question</label> <textarea id="q" name="question"></textarea>
<button type="submit">Send</button></form>"""

FORMS = {
    "whmcs-six": ("Open Ticket - WHMCS six", _WHMCS_SIX),
    "whmcs-twenty-one": ("Open Ticket - WHMCS twenty-one", _WHMCS_TWENTY_ONE),
    "hesk": ("Submit a ticket - HESK 3", _HESK),
    "no-fields": ("Ask us", _NO_FIELDS),
}
"""name: (title, body markup) of every stand-in page."""


def forms_app() -> Starlette:
    """The ticket forms, each attaching the widget with one tag from the knowledge base at
    ``app.state.kb_url`` (set once that server's port is known).

    ``/<name>.html?form=hesk`` adds ``data-form``; ``?draft=`` restores a draft.
    """

    async def form(request: Request) -> HTMLResponse:
        kb_url = request.app.state.kb_url
        name = request.path_params["name"]
        if name not in FORMS:
            return HTMLResponse("not found", status_code=404)
        title, body = FORMS[name]
        preset = request.query_params.get("form")
        extra = f' data-form="{html.escape(preset)}"' if preset else ""
        tag = (
            f'<script src="{kb_url}/assets/kb/kb-widget.js" data-api="{kb_url}/api"'
            f"{extra} defer></script>"
        )
        page = _HEAD.format(title=title) + body + _DRAFT + tag + "</body></html>"
        return HTMLResponse(page)

    async def submitted(request: Request) -> PlainTextResponse:
        # multipart/form-data, read by hand (python-multipart is not a dependency)
        raw = (await request.body()).decode("utf-8", "replace")
        found = re.search(r'name="subject"\r\n\r\n(.*?)\r\n', raw)
        return PlainTextResponse(f"ticket received: {found[1] if found else None}")

    return Starlette(
        routes=[
            Route("/submitted", submitted, methods=["POST"]),
            Route("/{name}.html", form),
        ]
    )
