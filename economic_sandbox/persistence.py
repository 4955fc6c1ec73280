"""The optional state file (`--state FILE`): loaded at start, written atomically (temporary file
then `os.replace`) after every write request and every control change, and at shutdown, so a
sandbox killed at any moment restarts with every write it acknowledged.

JSON keeps what e-conomic's documents hold; table keys keep their type (numbers, strings, and
tuples as `{"tuple": [...]}`), and `Decimal`/`date` values are tagged so they load back as such.
Saved: agreements (tables, counters, tokens, modules, revoked flag, webhooks, VAT rounding), the
app tokens and the idempotency cache. Not saved: faults, rate-limit buckets, the request log.
"""
from __future__ import annotations

import datetime
import json
import os
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from economic_sandbox.state import Agreement, World

VERSION = 1
_write_lock = threading.Lock()


def _default(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"Cannot save {type(value).__name__} in the sandbox state.")


def _hook(document: dict):
    if len(document) == 1:
        (name, value), = document.items()
        if name == "$decimal":
            return Decimal(value)
        if name == "$datetime":
            return datetime.datetime.fromisoformat(value)
        if name == "$date":
            return datetime.date.fromisoformat(value)
    return document


def _key_out(key):
    return {"tuple": [_key_out(part) for part in key]} if isinstance(key, tuple) else key


def _key_in(key):
    if isinstance(key, dict) and "tuple" in key:
        return tuple(_key_in(part) for part in key["tuple"])
    return key


def agreement_to_json(agreement: Agreement) -> dict:
    with agreement.lock:
        return {
            "number": agreement.number, "grantToken": agreement.grant_token,
            "companyName": agreement.company_name, "baseCurrency": agreement.base_currency,
            "readOnly": agreement.read_only, "revoked": agreement.revoked,
            "modules": agreement.modules, "counters": agreement.counters,
            "webhooks": agreement.webhooks, "appRole": agreement.app_role,
            "vatRounding": agreement.vat_rounding,
            "tables": {name: [[_key_out(key), document] for key, document in table.items()]
                       for name, table in agreement.tables.items()},
        }


def agreement_from_json(data: dict) -> Agreement:
    return Agreement(
        number=data["number"], grant_token=data["grantToken"], company_name=data["companyName"],
        base_currency=data["baseCurrency"], read_only=data["readOnly"], revoked=data["revoked"],
        modules=data["modules"], counters=data["counters"], webhooks=data.get("webhooks", []),
        app_role=data.get("appRole", "SuperUser"), vat_rounding=data.get("vatRounding", "line"),
        tables={name: {_key_in(key): document for key, document in rows}
                for name, rows in data["tables"].items()},
    )


def save(path: str | Path, world: World, idempotency: Callable[[], list[dict]]) -> None:
    """Write the state atomically: a reader (or a crash) sees the old file or the new one.
    The snapshot is taken under the write lock, so a slower writer can never replace a newer
    file with an older snapshot."""
    target = Path(path)
    with _write_lock:
        snapshot = {"version": VERSION, "appTokens": sorted(world.app_tokens),
                    "agreements": [agreement_to_json(agreement) for agreement in world.all()],
                    "idempotency": idempotency()}
        text = json.dumps(snapshot, default=_default, ensure_ascii=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".sandbox-state-", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)


def load(path: str | Path) -> tuple[World, list[dict]] | None:
    """The saved world and idempotency entries, or None when there is no file yet."""
    target = Path(path)
    if not target.exists():
        return None
    snapshot = json.loads(target.read_text(encoding="utf-8"), object_hook=_hook)
    world = World()
    world.app_tokens = set(snapshot["appTokens"])
    for data in snapshot["agreements"]:
        world.add(agreement_from_json(data))
    return world, snapshot.get("idempotency", [])
