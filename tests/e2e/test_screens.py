"""Every main screen in Chromium, as a finance clerk and as a finance manager, in English and in
Danish: what a person reads there. The screens that only show are a table (`SCREENS`: the
address, the words each language reads there, what every language shows); the ones a person works through (the export dialog and its dry run, a run
to its end, an import, connecting through e-conomic's installation page) are tests of their own.

One browser and one live server serve the whole module, each role logs in once, and the world
(a connection ready to export, invoices, one exported and paid) is made once: a page test only
reads. A page's words are checked by `reads_in`, whose failure (`MissingWords`) names every word
a page of a journey lacks, not only the first.

With SCREENSHOTS=<folder> every page a manager opens is also saved there as a PNG, 1400 px wide
(`make screenshots`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django_q.brokers import get_broker
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.support.select import Select

from accounts_app.models import Invoice, LedgerImport, ServiceType
from accounts_app.services.imports import ledger_import_run
from economic_sandbox.pytest_plugin import SandboxClient
from integration.models import (
    Connection,
    ExportRun,
    InvoiceExport,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.models.connection import PaymentSync
from integration.models.reference import RemoteKind, RemoteRecord
from integration.services.connections import connection_client, connection_test
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.mappings import payment_conditions_pair
from integration.services.payments.imports import payments_import
from integration.services.reference import reference_refresh
from tests.conftest import finance_groups_make
from tests.e2e.conftest import PASSWORD, chromium
from tests.e2e.pages import Screens
from tests.exports.conftest import make_customer, make_invoice
from tests.ledger.factories import PaymentConditionFactory, VatCodeFactory

pytestmark = pytest.mark.browser

ROLES = {"clerk": "Finance clerk", "manager": "Finance manager"}
LANGUAGES = ("en", "da")
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")
# The customers' names say no word of either language, so a page's words are its own.
BOOKED_FOR = "Fjordhuset ApS"  # the customer of the one invoice exported, booked and paid
OPEN_FOR = "Havnen ApS"  # the customer of an invoice finalized and never exported


class MissingWords(AssertionError):
    """The page does not read the words of its language."""


# -- the world ------------------------------------------------------------------------------------


@dataclass
class World:
    connection: Connection
    booked: Invoice  # exported, booked in e-conomic and paid there
    open_invoice: Invoice  # finalized, never exported
    run: ExportRun  # the run that booked `booked`
    sandbox: SandboxClient
    # One invoice per role and language to export through the dialog, so each run is its own.
    to_export: dict[tuple[str, str], Invoice] = field(default_factory=dict)


def _endpoints(sandbox_url: str, settings) -> dict:
    sandbox = settings.ECONOMIC_ENDPOINTS["sandbox"]
    return {
        **settings.ECONOMIC_ENDPOINTS,
        "sandbox": {**sandbox, "rest_url": sandbox_url, "openapi_url": sandbox_url,
                    "app_secret_token": SandboxClient(sandbox_url).app_token,
                    "install_url": f"{sandbox_url}/secure/api1/requestaccess.aspx"},
    }  # fmt: skip


def _finance_staff() -> None:
    """The two groups as the migrations make them (the flush took them), and one user in each,
    named by the role."""
    groups = finance_groups_make()
    for role, group in ROLES.items():
        user = User.objects.create_user(role, password=PASSWORD, is_staff=True)
        user.groups.add(groups[group])


def _ready_connection(sandbox: SandboxClient) -> Connection:
    """Tested, reference data read, S25 paired with U25, the payment conditions paired, a
    service type sold as product 1, payments read back."""
    connection = Connection.objects.create(
        name="Sandbox", endpoint="sandbox", grant_token=sandbox.grant_token,
        default_layout_number=19, default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1", export_method="booked",
        payment_sync=PaymentSync.PARTIAL,
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    remote = RemoteRecord.objects.filter(connection=connection)
    VatCodePairing.objects.create(connection=connection, vat_code=VatCodeFactory(),
                                  vat_account=remote.get(kind=RemoteKind.VAT_ACCOUNT, number="U25"))  # fmt: skip
    PaymentConditionFactory()
    payment_conditions_pair(connection=connection)
    ServiceTypeMapping.objects.create(connection=connection,
                                      service_type=ServiceType.objects.create(name="Consulting"),
                                      product=remote.get(kind=RemoteKind.PRODUCT, number="1"))  # fmt: skip
    connection.refresh_from_db()
    return connection


def _booked_and_paid(connection: Connection, sandbox: SandboxClient) -> tuple[Invoice, ExportRun]:
    invoice = make_invoice(make_customer(name=BOOKED_FOR), prices=("1234.50",))
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk),
                           method="booked")  # fmt: skip
    export_process(connection=connection, run=run)
    run = export_run_refresh(run=run)
    number = InvoiceExport.objects.get(invoice=invoice).booked_number
    sandbox.register_payment(number, 1000.0)
    payments_import(connection=connection)
    invoice.refresh_from_db()
    return invoice, run


def _test_database() -> None:
    """pytest-django sets the test database up only when a test of the session asks for `db`;
    these ask for none, since a transaction held open by the test would keep the live server
    from writing."""
    from django.db import connection
    from django.test.utils import setup_databases

    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        setup_databases(verbosity=0, interactive=False, keepdb=True, aliases={"default"})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, sandbox_server, settings_module):
    """Made once for the module on emptied tables (a failed run may have left rows), which are
    emptied again afterwards, as a transactional test leaves them."""
    with django_db_blocker.unblock():
        _test_database()
        call_command("flush", interactive=False, verbosity=0)
        sandbox = SandboxClient(sandbox_server.base_url)
        sandbox.reset()
        try:
            yield _world(sandbox)
        finally:
            sandbox.close()
            get_broker().purge_queue()
            call_command("flush", interactive=False, verbosity=0)


def _world(sandbox: SandboxClient) -> World:
    _finance_staff()
    connection = _ready_connection(sandbox)
    booked, run = _booked_and_paid(connection, sandbox)
    return World(
        connection=connection, booked=booked, open_invoice=make_invoice(make_customer(name=OPEN_FOR)), run=run,
        sandbox=sandbox,
        to_export={(role, language): make_invoice(make_customer(name="Skoven ApS"), prices=("50.00",))
                   for role in ROLES for language in LANGUAGES},
    )  # fmt: skip


@pytest.fixture(scope="module")
def settings_module(sandbox_server):
    """The endpoint allowlist pointed at the sandbox, for the module's live server as well."""
    from django.conf import settings

    with override_settings(
        ECONOMIC_ENDPOINTS=_endpoints(sandbox_server.base_url, settings),
        ECONOMIC_EXPORT={"backoff_seconds": 0, "backoff_cap": 0, "lease_seconds": 60},
        ECONOMIC_TIMEOUT=(2.0, 2.0),
    ):
        yield


@pytest.fixture(scope="module")
def screens(world):
    """One browser, 1400 px wide, with the clerk and the manager logged in once each."""
    server = LiveServer("localhost")
    driver = chromium(window="1400,1000")
    pages = Screens(driver, server.url)
    for role in ROLES:
        pages.log_in_as(role, role, PASSWORD)
    yield pages
    driver.quit()
    server.stop()


def _cases(names):
    """Every (thing, role, language)."""
    return [
        pytest.param(each, role, language, id=f"{_name(each)}-{role}-{language}")
        for each in names for role in ROLES for language in LANGUAGES
    ]  # fmt: skip


def _name(each) -> str:
    return getattr(each, "name", each)


def reads_in(page: str, words: tuple[str, ...], *, where: str) -> None:
    """The page reads each of `words` (case aside)."""
    Reading().reads(page, words, where=where).check()


class Reading:
    """The words a journey's pages should read, gathered, so that a page missing its words
    does not stop the journey before its later pages (and their screenshots)."""

    def __init__(self):
        self.missing: list[str] = []

    def reads(self, page: str, words: tuple[str, ...], *, where: str) -> Reading:
        absent = [word for word in words if word.lower() not in page.lower()]
        if absent:
            self.missing.append(f"{where} does not read {absent}; it reads: {page[:600]!r}")
        return self

    def check(self) -> None:
        if self.missing:
            raise MissingWords("\n".join(self.missing))


def shows(page: str, texts: tuple[str, ...], *, where: str) -> None:
    """What the page shows in any language: numbers, names, amounts."""
    missing = [text for text in texts if text.lower() not in page.lower()]
    assert not missing, f"{where} does not show {missing}; it reads: {page[:600]!r}"


def _keep(screens: Screens, name: str, role: str, language: str) -> None:
    if SCREENSHOTS and role == "manager":
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        screens.screenshot(folder / f"{language}-{name}.png")


# -- the screens that show ------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    name: str
    url: Callable[[World], str]
    reads: dict[str, tuple[str, ...]]  # by language: the words a person reads there
    shows: Callable[[World], tuple[str, ...]] = lambda world: ()  # the same in every language


def _admin(name: str, *args) -> Callable[[World], str]:
    return lambda world: reverse(f"admin:{name}", args=[arg(world) for arg in args])


def _grid(mapping: str) -> Callable[[World], str]:
    """A mapping grid of the world's connection."""
    return lambda world: (f"{reverse(f'admin:integration_{mapping}_grid')}"
                          f"?connection={world.connection.pk}")  # fmt: skip


SCREENS = [
    Screen("home", _admin("index"),
           {"en": ("Finalized, not exported", "Need a person", "Setup check", "Paid this month"),
            "da": ("eksport", "opsætningstjek", "faktura", "betalt")},
           lambda world: ("Sandbox", "Sandbox Consulting ApS")),
    Screen("invoices", _admin("accounts_app_invoice_changelist"),
           {"en": ("Invoices", "Customer", "booked", "DKK 3,086.25"),
            "da": ("Faktura", "Kunde", "bogført", "3.086,25 kr.")},
           lambda world: (BOOKED_FOR, OPEN_FOR)),
    Screen("invoice", _admin("accounts_app_invoice_change", lambda world: world.booked.pk),
           {"en": ("Invoice", "Partly paid", "payments seen in e-conomic", "DKK 1,000.00"),
            "da": ("Faktura", "betalt", "betaling", "1.000,00 kr.")},
           lambda world: (BOOKED_FOR, "Consulting 1", "S25 (25 %)")),
    Screen("jobs", _admin("integration_exportjob_changelist"),
           {"en": ("Export job", "Customer", "booked"), "da": ("job", "Kunde", "bogført")},
           lambda world: (BOOKED_FOR,)),
    Screen("run", _admin("integration_exportrun_change", lambda world: world.run.pk),
           {"en": ("Done: 1 done, 0 failed of 1.",), "da": ("Kørsel", "færdig")}),
    Screen("service-types", _admin("integration_servicetypemapping_changelist"),
           {"en": ("Service type", "Product"), "da": ("Ydelsestype", "Vare")},
           lambda world: ("Consulting", "Konsulenttime")),
    Screen("vat-codes", _admin("integration_vatcodepairing_changelist"),
           {"en": ("VAT code",), "da": ("Momskode",)}, lambda world: ("S25", "U25")),
    Screen("payment-conditions", _admin("integration_paymentconditionpairing_changelist"),
           {"en": ("Payment condition",), "da": ("Betalingsbetingelse",)},
           lambda world: ("Net 14 days",)),
    Screen("sales-accounts", _admin("integration_salesaccountmapping_changelist"),
           {"en": ("Sales account",), "da": ("Salgskonto",)}),
    Screen("service-type-grid", _grid("servicetypemapping"),
           {"en": ("Service types and their e-conomic products", "unmapped ones first", "mapped"),
            "da": ("Ydelsestyper og deres varer i e-conomic", "dem uden tilknytning først", "tilknyttet")},
           lambda world: ("Consulting", "Konsulenttime")),
    Screen("vat-code-grid", _grid("vatcodepairing"),
           {"en": ("VAT codes and e-conomic's VAT codes", "unmapped ones first"),
            "da": ("Momskoder og e-conomics momskoder", "dem uden tilknytning først")},
           lambda world: ("S25", "U25")),
    Screen("payment-condition-grid", _grid("paymentconditionpairing"),
           {"en": ("Payment conditions and e-conomic's payment terms", "unmapped ones first"),
            "da": ("Betalingsbetingelser og e-conomics betalingsbetingelser", "dem uden tilknytning først")},
           lambda world: ("Net 14 days",)),
    Screen("sales-account-grid", _grid("salesaccountmapping"),
           {"en": ("Sales accounts and e-conomic's product groups",),
            "da": ("Salgskonti og e-conomics varegrupper",)}),
    Screen("customer-links", _admin("integration_customerlink_changelist"),
           {"en": ("Customer link",), "da": ("Kunde",)}),
    Screen("setup-check", _admin("integration_connection_setup_check",
                                 lambda world: world.connection.pk),
           {"en": ("Ready to export",), "da": ("Opsætningstjek", "eksport")},
           lambda world: ("Sandbox",)),
    Screen("payments", _admin("accounts_app_payment_changelist"),
           {"en": ("Payment", "Invoice", "Amount", "DKK 1,000.00"),
            "da": ("Betaling", "Faktura", "Beløb", "1.000,00 kr.")},
           lambda world: (BOOKED_FOR,)),
    Screen("payment-imports", _admin("integration_paymentimport_changelist"),
           {"en": ("Payment import", "Import payments now"), "da": ("Betaling", "Import")},
           lambda world: ("Sandbox",)),
    Screen("connections", _admin("integration_connection_changelist"),
           {"en": ("Connection", "Agreement"), "da": ("Forbindelse", "Aftale")},
           lambda world: ("Sandbox", "9000001", "Sandbox Consulting ApS")),
]


@pytest.mark.parametrize(("screen", "role", "language"), _cases(SCREENS))
def test_each_main_screen_reads_as_a_person_expects(world, screens, screen, role, language):
    screens.be(role, language)
    page = screens.visit(screen.url(world))
    _keep(screens, screen.name, role, language)
    assert "Ledger Bridge" in screens.driver.title
    assert "Server Error" not in page and "Forbidden" not in page, page[:300]
    shows(page, screen.shows(world), where=screen.name)
    reads_in(page, screen.reads[language], where=screen.name)


# -- the screens a person works through -----------------------------------------------------------

SUBMIT = ".submit-row input[type=submit]"


def _export_dialog(screens: Screens, invoice: Invoice, connection: Connection) -> str:
    """Open the dialog for one invoice and pick the connection (connecting adds others)."""
    screens.open(reverse("admin:accounts_app_invoice_changelist"))
    screens.run_action("export_to_economic", [invoice.pk])
    Select(screens.find("select[name=connection]")).select_by_value(str(connection.pk))
    return screens.page_text()


@pytest.mark.parametrize(("journey", "role", "language"), _cases(["dry-run"]))
def test_the_export_dialog_and_its_dry_run_say_what_would_be_sent(
    world, screens, journey, role, language
):
    screens.be(role, language)
    invoice, reading = world.open_invoice, Reading()
    page = _export_dialog(screens, invoice, world.connection)
    _keep(screens, "export-dialog", role, language)
    with translation.override(language):
        shows(page, (str(invoice), "Sandbox"), where="the export dialog")
    reading.reads(page, {"en": ("1 invoice:", "Method", "Dry run", "Export to e-conomic"),
                         "da": ("1 faktura", "Prøvekørs", "Eksport")}[language],
                  where="the export dialog")  # fmt: skip

    screens.find("input[name=dry_run]").click()
    screens.submit(screens.find(SUBMIT))
    page = screens.page_text()
    _keep(screens, "dry-run", role, language)
    run = ExportRun.objects.filter(dry_run=True).latest("pk")
    assert screens.driver.current_url.endswith(
        reverse("admin:integration_exportrun_change", args=[run.pk])
    )
    shows(page, (OPEN_FOR, "Consulting 1"), where="the dry run")
    reading.reads(page, {"en": ("Dry run", "customer", "VAT", "250.00"),
                         "da": ("Prøvekørs", "kunde", "moms", "250,00")}[language],
                  where="the dry run")  # fmt: skip
    reading.check()


@pytest.mark.parametrize(("journey", "role", "language"), _cases(["run"]))
def test_a_run_page_follows_its_run_to_the_end(world, screens, journey, role, language):
    screens.be(role, language)
    invoice, reading = world.to_export[(role, language)], Reading()
    _export_dialog(screens, invoice, world.connection)
    screens.submit(screens.find(SUBMIT))
    run = ExportRun.objects.filter(dry_run=False).latest("pk")
    assert screens.driver.current_url.endswith(
        reverse("admin:integration_exportrun_change", args=[run.pk])
    )
    assert screens.find("#export-progress").get_attribute("data-finished") == "false"

    # What a worker does, here: the page follows it by its own script and loads once more.
    export_process(connection=world.connection, run=run)
    export_run_refresh(run=run)
    screens.wait_until(
        lambda driver: screens.find("#export-progress").get_attribute("data-finished") == "true",
        "the run page never showed the run finished",
    )
    bar = screens.find("#export-bar")
    assert (bar.get_property("value"), bar.get_property("max")) == (1, 1)
    page = screens.page_text()
    _keep(screens, "run", role, language)
    reading.reads(page, {"en": ("Done: 1 done, 0 failed of 1.", "Export run"),
                         "da": ("Færdig: 1 gennemført, 0 mislykket ud af 1.", "eksportkørsel")}[language],
                  where="the run page")  # fmt: skip
    reading.check()


_numbers = iter(range(7100, 7200))


@pytest.mark.parametrize(("journey", "role", "language"), _cases(["import"]))
def test_an_import_follows_the_file_to_what_it_brought_in(
    world, screens, journey, role, language, tmp_path
):
    screens.be(role, language)
    reading, number = Reading(), next(_numbers)
    upload = tmp_path / "customers.csv"
    upload.write_text("number,kind,name,vat_number,country,currency,payment_condition,"
                      f"vat_situation\n{number},company,Fjordhuset {number} ApS,,DK,DKK,"
                      "Net 14 days,domestic\n")  # fmt: skip
    page = screens.visit(reverse("admin:accounts_app_customer_import"))
    _keep(screens, "import", role, language)
    reading.reads(page, {"en": ("Import", "imported in the background"),
                         "da": ("Import", "baggrunden")}[language], where="the import page")  # fmt: skip
    screens.choose("format", "csv")
    screens.find("input[name=import_file]").send_keys(str(upload))
    screens.submit(screens.find(SUBMIT))
    ledger_import = LedgerImport.objects.latest("pk")
    assert ledger_import.file_name == "customers.csv"

    ledger_import_run(ledger_import_id=ledger_import.pk)  # what the worker does
    screens.wait_until(
        lambda driver: screens.find("#import-progress").get_attribute("data-finished") == "true",
        "the import page never showed the import finished",
    )
    page = screens.page_text()
    _keep(screens, "import-done", role, language)
    shows(page, ("customers.csv",), where="the import's result")
    reading.reads(page, {"en": ("Imported", "1 new, 0 updated, 0 unchanged"),
                         "da": ("Importeret", "1 ny")}[language],
                  where="the import's result")  # fmt: skip
    reading.check()


def _wait_for_path(screens: Screens, ending: str) -> None:
    screens.wait_until(lambda driver: urlsplit(driver.current_url).path.endswith(ending),
                       f"the browser never reached {ending}")  # fmt: skip


@pytest.mark.parametrize(
    ("journey", "role", "language"),
    _cases(["connect"]),
)
def test_connecting_goes_through_the_installation_page_to_the_setup_check(
    world, screens, journey, role, language
):
    screens.be(role, language)
    page = screens.visit(reverse("admin:integration_connection_connect"))
    if role == "clerk":
        assert "403 Forbidden" in page, page[:300]
        return
    reading = Reading()
    _keep(screens, "connect", role, language)
    reading.reads(page, {"en": ("Connect with e-conomic", "Tilføj app"),
                         "da": ("Forbind", "e-conomic", "Tilføj app")}[language],
                  where="the connect page")  # fmt: skip
    agreement = world.sandbox.create_agreement(companyName=f"Fjord {language} ApS")
    screens.type("name", f"Fjord {language}")
    Select(screens.find("select[name=endpoint]")).select_by_value("sandbox")
    screens.submit(screens.find(SUBMIT))
    # The pages change hosts (ours, the sandbox's, ours): wait for each by its address.
    _wait_for_path(screens, "/secure/api1/requestaccess.aspx")

    page = screens.page_text()  # e-conomic's own page: the sandbox's, in the user's language
    shows(page, ("Ledger Bridge", "Tilføj app", f"Fjord {language} ApS"), where="e-conomic")
    reading.reads(page, {"en": ("Agreement",), "da": ("Aftale",)}[language], where="e-conomic")
    _keep(screens, "installation-page", role, language)
    Select(screens.find("select[name=agreement]")).select_by_value(
        str(agreement["agreementNumber"])
    )
    screens.click_button("Tilføj app")
    _wait_for_path(screens, "/setup-check/")

    connection = Connection.objects.get(name=f"Fjord {language}")
    assert screens.driver.current_url.endswith(
        reverse("admin:integration_connection_setup_check", args=[connection.pk])
    )
    assert connection.agreement_number == agreement["agreementNumber"]
    page = screens.page_text()
    _keep(screens, "connected", role, language)
    shows(page, (f"Fjord {language} ApS", str(agreement["agreementNumber"])),
          where="the setup check")  # fmt: skip
    reading.reads(page, {"en": ("Connected to", "Setup check"),
                         "da": ("Opsætningstjek", "aftale")}[language],
                  where="the setup check")  # fmt: skip
    reading.check()


def test_every_page_carries_the_products_mark_and_name(world, screens):
    screens.be("clerk", "en")
    screens.visit(reverse("admin:accounts_app_invoice_changelist"))
    mark = screens.find("#site-name img.brand-mark")
    # Loaded (the policy allows our own images), drawn at its size, beside the name.
    assert screens.driver.execute_script("return arguments[0].naturalWidth;", mark) > 0
    assert (mark.size["width"], mark.size["height"]) == (30, 30)
    assert screens.text("#site-name") == "Ledger Bridge"
    amount = screens.find("#result_list td.field-gross_total_shown")
    assert amount.value_of_css_property("text-align") == "right"
    assert amount.value_of_css_property("font-variant-numeric") == "tabular-nums"
