"""e-conomic's app installation page, `requestaccess.aspx` (REFERENCE §1.5, ADDENDUM §8).

The browser arrives with `appPublicToken`, `redirectUrl` and an optional `locale`; the page
names the app and offers the sandbox's writable agreements; "Tilføj app" sends the browser back
to `redirectUrl` with the agreement's grant token added as the query parameter `token`, keeping
the query the redirect URL already had. Installing again on a revoked agreement restores it. A
wrong public token or a redirect that is not http(s) answers a page saying so, and redirects
nowhere.
"""
from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from economic_sandbox.http import Request, Response

PATH = "/secure/api1/requestaccess.aspx"
APP_PUBLIC_TOKEN = "sandbox-app-public"
APP_NAME = "Ledger Bridge"
HTML = "text/html; charset=utf-8"
_TEXT = {
    "da": {"title": "Tilføj app", "ask": "{app} beder om adgang til din aftale.",
           "agreement": "Aftale", "add": "Tilføj app", "bad": "Installationen kan ikke fortsætte"},
    "en": {"title": "Add app", "ask": "{app} asks for access to your agreement.",
           "agreement": "Agreement", "add": "Tilføj app", "bad": "The installation cannot go on"},
}


def installation_answer(request: Request, world) -> Response:
    problem = _problem(request.query)
    text = _TEXT["en" if request.query.get("locale", "").lower().startswith("en") else "da"]
    if problem:
        return _page(400, text["bad"], f"<p>{escape(problem)}</p>")
    if request.method == "POST":
        return _added(request, world)
    agreements = [each for each in world.all() if not each.read_only]
    options = "".join(
        f'<option value="{each.number}">{each.number} {escape(each.company_name)}</option>'
        for each in agreements
    )
    form = (
        f"<p>{escape(text['ask'].format(app=APP_NAME))}</p>"
        f'<form method="post"><label>{text["agreement"]} <select name="agreement">{options}'
        f'</select></label> <button type="submit">{text["add"]}</button></form>'
    )
    return _page(200, text["title"], form)


def _problem(query: dict) -> str:
    if query.get("appPublicToken") != APP_PUBLIC_TOKEN:
        return "Unknown appPublicToken: the app is not registered with this e-conomic."
    redirect = urlsplit(query.get("redirectUrl", ""))
    if redirect.scheme not in ("http", "https") or not redirect.netloc:
        return "redirectUrl must be an absolute http(s) address."
    return ""


def _added(request: Request, world) -> Response:
    chosen = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    number = chosen.get("agreement", "")
    agreement = world.get(int(number)) if number.isdigit() else None
    if agreement is None or agreement.read_only:
        return _page(400, "Tilføj app", "<p>Choose one of the agreements offered.</p>")
    agreement.revoked = False
    redirect = urlsplit(request.query["redirectUrl"])
    query = urlencode([*parse_qsl(redirect.query, keep_blank_values=True),
                       ("token", agreement.grant_token)])
    location = urlunsplit(redirect._replace(query=query))
    return Response(status=302, body=b"", headers={"Location": location}, content_type=HTML)


def _page(status: int, title: str, body: str) -> Response:
    html = (f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body><h1>{escape(title)}</h1>{body}</body></html>")
    return Response(status=status, body=html.encode("utf-8"), content_type=HTML)
