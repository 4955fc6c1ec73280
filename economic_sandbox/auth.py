"""Authentication as e-conomic does it: two headers, no OAuth (REFERENCE §1).

* `X-AppSecretToken` must be an app token the sandbox knows, `X-AgreementGrantToken` the grant
  of one of its agreements; anything else answers 401 with e-conomic's body.
* `demo`/`demo` (case-insensitive, as the Ruby gem sends "Demo") or `?demo=true` give the public
  demo agreement, read-only. e-conomic documents only that "only GET is allowed"; the sandbox
  answers other methods with **403** (authenticated, not allowed), see README.
* A revoked grant answers 401, as restdocs' status table says.
"""
from __future__ import annotations

from economic_sandbox import errors
from economic_sandbox.http import Request
from economic_sandbox.seed import DEMO_TOKEN
from economic_sandbox.state import Agreement, World

REVOKED_HINT = (
    "The agreement has revoked the grant it gave your app. Ask the agreement to install the "
    "app again to get a new X-AgreementGrantToken."
)


def authenticate(request: Request, world: World) -> Agreement:
    """The agreement the request's tokens give access to, or the 401 ApiError."""
    app_token = request.header("X-AppSecretToken").strip()
    grant_token = request.header("X-AgreementGrantToken").strip()
    if request.query.get("demo", "").lower() == "true" and not (app_token or grant_token):
        app_token = grant_token = DEMO_TOKEN
    if not app_token or not grant_token:
        raise errors.unauthorized(
            "The request is missing the X-AppSecretToken or X-AgreementGrantToken header."
        )
    if app_token.lower() == DEMO_TOKEN or grant_token.lower() == DEMO_TOKEN:
        return _demo(world, app_token, grant_token)
    if app_token not in world.app_tokens:
        raise errors.unauthorized("The X-AppSecretToken is not valid.")
    agreement = world.by_grant(grant_token)
    if agreement is None or agreement.read_only:
        raise errors.unauthorized("The X-AgreementGrantToken is not valid.")
    if agreement.revoked:
        raise errors.unauthorized("The grant has been revoked.", REVOKED_HINT)
    return agreement


def _demo(world: World, app_token: str, grant_token: str) -> Agreement:
    """The demo tokens only work as a pair (a real app token with the demo grant does not)."""
    if app_token.lower() != DEMO_TOKEN or grant_token.lower() != DEMO_TOKEN:
        raise errors.unauthorized("The demo tokens must be used together.")
    agreement = world.by_grant(DEMO_TOKEN)
    if agreement is None:
        raise errors.unauthorized("The X-AgreementGrantToken is not valid.")
    if agreement.revoked:
        raise errors.unauthorized("The grant has been revoked.", REVOKED_HINT)
    return agreement


# e-conomic's role names (REFERENCE §1.4); the numbers other than SuperUser's 2 are the sandbox's.
ROLES = {"Bookkeeping": 1, "SuperUser": 2, "Sales": 3, "ProjectEmployee": 4}
# "An app with the Bookkeeping role cannot read customers or products" (REFERENCE §1.4, 3P).
BOOKKEEPING_DENIED = ("/customers", "/products")


def check_role(request: Request, agreement: Agreement) -> None:
    """403 where the app's role gives no access; only the documented Bookkeeping rule."""
    if agreement.app_role == "Bookkeeping" and request.path.startswith(BOOKKEEPING_DENIED):
        raise errors.forbidden(
            "The app's role Bookkeeping does not give access to this resource.",
            "Customers and products need an app with the SuperUser or Sales role.",
        )


def check_write_allowed(request: Request, agreement: Agreement) -> None:
    """The demo agreement is read-only: 403 for anything but GET (README: "Choices")."""
    if agreement.read_only and request.method not in ("GET", "HEAD"):
        raise errors.forbidden(
            "The demo agreement is read-only. Only GET is allowed with demo credentials.",
            "Use your own developer agreement's tokens to create or change data.",
        )
