"""Control routes for an agreement's VAT set-up: what a test needs to price and book invoices
under another VAT rule, which e-conomic lets a bookkeeper change in its UI and not through
REST. Under `/_sandbox/agreements/{n}`:

* GET, PUT `/vat-rounding`: `{"model": "line" or "document"}` (invoice_math);
* PUT `/accounts/{accountNumber}`: `{"vatCode": "U25"}` or `{"vatCode": null}`, `name`
  optional; an unknown number creates a profit-and-loss account;
* PUT `/vat-accounts/{vatCode}`: `{"ratePercentage": 12.5}`, `name` and `accountNumber`
  (default 14261) optional; creates or replaces;
* PUT `/product-groups/{group}/sales-accounts/{vatZone}`: `{"accountNumber": 1050}`.

A change applies to drafts created or replaced after it; stored drafts keep their prices, as
e-conomic prices a draft when it is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from economic_sandbox import errors
from economic_sandbox.control import body_of
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.routing import Router
from economic_sandbox.state import VAT_ROUNDING_MODELS

router = Router()

AGREEMENT = "/agreements/{agreementNumber:int}"
SALES_VAT_ACCOUNT = 14261  # "Salgsmoms" in the seed
SALES_VAT_TYPE = {"vatTypeNumber": 1, "name": "Outgoing Sales Domestic"}


def _invalid(reason: str) -> errors.ApiError:
    return errors.bad_request("Invalid settings.", [reason])


@router.route("GET", f"{AGREEMENT}/vat-rounding")
def get_vat_rounding(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    return json_response(200, {"model": request.agreement.vat_rounding})


@router.route("PUT", f"{AGREEMENT}/vat-rounding")
def put_vat_rounding(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    model = body_of(request).get("model")
    if model not in VAT_ROUNDING_MODELS:
        raise _invalid(f"model is one of {', '.join(VAT_ROUNDING_MODELS)}.")
    request.agreement.vat_rounding = model
    return json_response(200, {"model": model})


@router.route("PUT", f"{AGREEMENT}/accounts/{{accountNumber:int}}")
def put_account(request: Request, agreementNumber: int, accountNumber: int) -> Response:  # noqa: N803
    """Set (or with null remove) an account's VAT code, creating the account if needed."""
    body = body_of(request)
    if "vatCode" not in body:
        raise _invalid("Send vatCode: a code from /vat-accounts, or null.")
    code = body["vatCode"]
    if code is not None and code not in request.agreement.table("vat-accounts"):
        raise _invalid(f"VAT code {code!r} does not exist; create it at /vat-accounts/{code}.")
    accounts = request.agreement.table("accounts")
    account = accounts.setdefault(accountNumber, _new_account(accountNumber))
    if isinstance(body.get("name"), str):
        account["name"] = body["name"]
    account.pop("vatAccount", None)
    if code is not None:
        account["vatAccount"] = {"vatCode": code}
    return json_response(200, account)


def _new_account(number: int) -> dict:
    return {"accountNumber": number, "accountType": "profitAndLoss", "debitCredit": "credit",
            "name": f"Konto {number}", "balance": 0.0}


@router.route("PUT", f"{AGREEMENT}/vat-accounts/{{vatCode:str}}")
def put_vat_account(request: Request, agreementNumber: int, vatCode: str) -> Response:  # noqa: N803
    body = body_of(request)
    try:
        rate = Decimal(str(body["ratePercentage"]))
    except (KeyError, InvalidOperation):
        raise _invalid("ratePercentage is a number (percent).") from None
    account = body.get("accountNumber", SALES_VAT_ACCOUNT)
    if account not in request.agreement.table("accounts"):
        raise _invalid(f"Account {account!r} does not exist.")
    document = {"vatCode": vatCode, "name": str(body.get("name") or f"Moms {rate}%"),
                "ratePercentage": float(rate), "account": {"accountNumber": account},
                "contraAccount": {"accountNumber": account}, "vatType": dict(SALES_VAT_TYPE)}
    request.agreement.table("vat-accounts")[vatCode] = document
    return json_response(200, document)


SALES_ACCOUNT = f"{AGREEMENT}/product-groups/{{group:int}}/sales-accounts/{{zone:int}}"


@router.route("PUT", SALES_ACCOUNT)
def put_sales_account(request: Request, agreementNumber: int, group: int, zone: int) -> Response:  # noqa: N803
    """Point a product group's sales in one VAT zone at another account."""
    agreement = request.agreement
    account = body_of(request).get("accountNumber")
    if group not in agreement.table("product-groups") or zone not in agreement.table("vat-zones"):
        raise errors.not_found()
    if account not in agreement.table("accounts"):
        raise _invalid(f"Account {account!r} does not exist.")
    sales = agreement.table("product-group-sales-accounts").setdefault(
        group, {"productGroupNumber": group, "salesAccounts": []})
    kept = [entry for entry in sales["salesAccounts"] if entry["vatZoneNumber"] != zone]
    sales["salesAccounts"] = sorted([*kept, {"vatZoneNumber": zone, "accountNumber": account}],
                                    key=lambda entry: entry["vatZoneNumber"])
    return json_response(200, sales)
