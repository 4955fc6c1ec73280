import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from stdnum.dk import cvr
from stdnum.eu import vat

from accounts_app.models import Customer, Invoice

pytestmark = pytest.mark.django_db
ANCHOR = "2026-03-31"


def ledger_snapshot() -> dict:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("accounts_app").get_models()
    }


def seed() -> str:
    output = StringIO()
    call_command("seed_demo", anchor=ANCHOR, stdout=output)
    return output.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a few seconds) and roll it back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


def test_seeding_twice_gives_the_same_data(seeded):
    before = ledger_snapshot()
    output = seed()
    assert "0 invoices created, 200 already there, 0 credit notes created" in output
    assert ledger_snapshot() == before


def test_the_demo_has_the_customers_the_demo_needs(seeded):
    customers = Customer.objects.all()
    assert 20 <= customers.count() <= 30
    danish = customers.filter(country="DK", kind="company")
    assert danish.count() >= 20 and all(cvr.is_valid(c.vat_number) for c in danish)
    assert customers.filter(kind="person").exists()
    reverse_charge = customers.filter(vat_situation="eu_reverse_charge")
    assert reverse_charge and all(vat.is_valid(c.vat_number) for c in reverse_charge)
    assert customers.filter(vat_situation="abroad", currency="EUR").exists()


def test_the_demo_invoices_are_numbered_gap_free_in_mixed_states(seeded):
    invoices = Invoice.objects.filter(import_reference__startswith="DEMO-")
    assert invoices.count() == 200
    states = set(invoices.values_list("state", flat=True))
    assert states == {"draft", "finalized", "partly_paid", "paid", "credited"}
    numbers = sorted(Invoice.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert Invoice.objects.filter(credited_invoice__isnull=False).count() == 2


def test_the_demo_invoices_lie_in_the_three_months_before_the_anchor(seeded):
    anchor = datetime.date.fromisoformat(ANCHOR)
    dates = Invoice.objects.filter(import_reference__startswith="DEMO-").values_list(
        "issue_date", flat=True
    )
    assert min(dates) >= anchor - datetime.timedelta(days=92) and max(dates) <= anchor


def test_an_anchor_that_is_not_a_date_is_refused_with_the_format():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        call_command("seed_demo", anchor="31/03/2026")
