"""A customer's card in e-conomic: claim -> prepare (its blockers, the snapshot) -> call (create
it, or update a card it has) -> record (the link, then the job done).

A customer is created once and linked (`CustomerLink`), never matched by name afterwards. Before
it is created, e-conomic is asked for the cards it has already (`customer_match`): one is linked
instead, several wait for a person, none has the card created. A private person whose
connection has a card for private persons' invoices gets no card and costs no call. A lost
answer is resolved by looking the card up: by our number when we are master of the numbers,
otherwise by the CVR/VAT number or the exact name and e-mail we sent (the card e-conomic
numbered last wins, being the one our lost call made). A linked customer that changed here (push
on change) has its card read and sent back whole: PUT replaces the document (REFERENCE §2.1);
with the field policy "overwrite" our values win, with "fill empty" only the fields that are
empty in e-conomic are filled, so what the bookkeeper typed there stays.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.models import Customer
from integration.economic import filters, payloads
from integration.economic.client import EconomicClient
from integration.economic.errors import EconomicError, NotFoundError
from integration.models import CustomerLink, ErrorKind, ExportJob, JobKind
from integration.models.connection import FieldPolicy
from integration.models.exports import TERMINAL_STATES
from integration.models.mappings import CustomerLinkState
from integration.services.export_context import ExportContext
from integration.services.exports.customer_match import CardMatch, customer_cards_lookup
from integration.services.exports.jobs import (
    error_about,
    export_job_claim,
    export_job_done,
    export_job_fail,
    export_job_release,
)
from integration.services.exports.snapshots import customer_blockers, customer_snapshot
from integration.services.installation import job_key, party_reference

READ_ONLY = {"balance", "dueAmount", "lastUpdated", "self", "contacts", "templates", "totals",
             "deliveryLocations", "invoices", "metaData"}  # fmt: skip


def customer_job_send(*, job: ExportJob, client: EconomicClient, context: ExportContext) -> bool:
    """Claim the job and bring the customer's card about; False when another worker has it."""
    claim = export_job_claim(job=job)
    if claim is None:
        return False
    customer_export(job=claim.job, client=client, context=context, reconcile=claim.reconcile)
    return True


def customer_export(
    *, job: ExportJob, client: EconomicClient, context: ExportContext, reconcile: bool
) -> None:
    """Create the customer's card in e-conomic (after a lost answer: adopt it if it is there);
    a customer that has its card already has it updated (a change pushed)."""
    if job.object_id in context.private:
        export_job_done(job=job, remote_number=context.connection.private_customer_number)
        return
    if job.object_id in context.customers:
        customer_card_update(job=job, client=client, context=context)
        return
    if job.revision > 1 and earlier_revision_open(job):
        export_job_release(job=job)  # the card is still being made: never make a second one
        return
    customer = Customer.objects.select_related("payment_condition").get(pk=job.object_id)
    blockers = customer_blockers(
        customer, context, _("Customer %(customer)s") % {"customer": customer}
    )
    if blockers:
        export_job_fail(job=job, kind=ErrorKind.CONFIGURATION, error="\n".join(map(str, blockers)))
        return
    body = payloads.customer_payload(customer_snapshot(customer, context))
    try:
        found = _cards_there(job, customer, body, client, context, reconcile=reconcile)
        if len(found.cards) > 1:
            _wait_for_a_person(job, customer, found, context)
            return
        card = found.cards[0] if found.cards else None
        card = card or client.customer_create(body, idempotency_key=job.key)
    except EconomicError as error:
        export_job_fail(job=job, error=_about_customer(customer, error))
        return
    matched_by = found.rule or "created"
    _link_created(job, customer, card["customerNumber"], context, matched_by=matched_by)


def _cards_there(
    job: ExportJob, customer: Customer, body: dict, client: EconomicClient,
    context: ExportContext, *, reconcile: bool,
) -> CardMatch:  # fmt: skip
    """The card our own lost create made (after a lost answer, or for a later revision), else
    the cards e-conomic has for the customer already."""
    if reconcile or job.revision > 1:
        card = customer_find(client=client, body=body)
        if card is not None:
            return CardMatch("created", (card,))
    return customer_cards_lookup(client=client, connection=context.connection, customer=customer)


def _wait_for_a_person(
    job: ExportJob, customer: Customer, found: CardMatch, context: ExportContext
) -> None:
    numbers = [card["customerNumber"] for card in found.cards]
    with transaction.atomic():
        CustomerLink.objects.update_or_create(
            connection=context.connection, customer=customer,
            defaults={"state": CustomerLinkState.AMBIGUOUS, "remote_number": None,
                      "candidates": numbers, "matched_by": found.rule},
        )  # fmt: skip
        export_job_fail(
            job=job,
            kind=ErrorKind.CONFIGURATION,
            error=_("Customer %(customer)s matches %(count)d e-conomic customers by %(rule)s: "
                    "%(cards)s; no card was created. Fix: pick the right card on the customer "
                    "links screen, then retry.")
            % {"customer": customer, "count": len(numbers), "rule": found.rule,
               "cards": found.describe()},
        )
    context.ambiguous.add(customer.pk)


def earlier_revision_open(job: ExportJob) -> bool:
    return (
        ExportJob.objects.filter(
            connection=job.connection_id, kind=job.kind, object_id=job.object_id,
            revision__lt=job.revision,
        )
        .exclude(state__in=TERMINAL_STATES)
        .exists()
    )  # fmt: skip


def _about_customer(customer: Customer, error: EconomicError) -> EconomicError:
    return error_about(
        error, _("Customer %(customer)s could not be created in e-conomic") % {"customer": customer}
    )


def _link_created(
    job: ExportJob, customer: Customer, number: int, context: ExportContext, *, matched_by: str
) -> None:
    try:
        with transaction.atomic():
            CustomerLink.objects.update_or_create(
                connection=context.connection,
                customer=customer,
                defaults={"state": CustomerLinkState.LINKED, "remote_number": number,
                          "candidates": [], "matched_by": matched_by},
            )  # fmt: skip
    except IntegrityError:
        export_job_fail(
            job=job,
            kind=ErrorKind.PERMANENT,
            error=_("e-conomic customer %(number)s is already linked to another of our "
                    "customers; link %(customer)s to its own card on the customer links screen.")
            % {"number": number, "customer": customer},
        )
        return
    context.customers[customer.pk] = number
    export_job_done(job=job, remote_number=number)


def customer_job_queue(*, connection, customer_id: int, installation: str) -> ExportJob:
    """The customer's job of the automatic export (revision 1: its card is made once), in the
    caller's transaction; the caller rings after the commit."""
    job, _ = ExportJob.objects.get_or_create(
        connection=connection, kind=JobKind.CUSTOMER, object_id=customer_id, revision=1,
        defaults={
            "method": connection.export_method, "not_before": timezone.now(),
            "reference": party_reference(JobKind.CUSTOMER, customer_id, installation=installation),
            "key": job_key(connection_id=connection.pk, kind=JobKind.CUSTOMER,
                           object_id=customer_id, revision=1, installation=installation),
        },
    )  # fmt: skip
    return job


def customer_find(*, client: EconomicClient, body: dict) -> dict | None:
    """The card a lost create made, if it was made."""
    if "customerNumber" in body:
        try:
            return client.customer_get(body["customerNumber"])
        except NotFoundError:
            return None
    identification = body.get("corporateIdentificationNumber") or body.get("vatNumber")
    if identification:
        field = (
            "corporateIdentificationNumber"
            if "corporateIdentificationNumber" in body
            else "vatNumber"
        )
        condition = filters.eq(field, identification)
    else:
        condition = filters.eq("name", body["name"])
        if body.get("email"):
            condition = condition & filters.eq("email", body["email"])
    found = client.customers_find(condition)
    return max(found, key=lambda card: card["customerNumber"], default=None)


def customer_card_update(*, job: ExportJob, client: EconomicClient, context: ExportContext) -> None:
    """Bring a linked customer's card up to date. PUT is a replacement, so sending it again
    after a lost answer is harmless: no lookup is needed."""
    customer = Customer.objects.select_related("payment_condition").get(pk=job.object_id)
    number = context.customers[customer.pk]
    ours = payloads.customer_payload(customer_snapshot(customer, context))
    ours.pop("customerNumber", None)
    try:
        card = {k: v for k, v in client.customer_get(number).items() if k not in READ_ONLY}
        overwrite = context.connection.field_policy == FieldPolicy.OVERWRITE
        body = {**card, **ours} if overwrite else {**ours, **_filled(card)}
        client.customer_replace(number, {**body, "customerNumber": number}, idempotency_key=job.key)
    except EconomicError as error:
        export_job_fail(job=job, error=error_about(
            error, _("Customer %(customer)s") % {"customer": customer}
        ))
        return
    export_job_done(job=job, remote_number=number)


def _filled(card: dict) -> dict:
    return {key: value for key, value in card.items() if value not in ("", None, {}, [])}
