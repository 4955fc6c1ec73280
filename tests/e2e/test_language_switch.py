"""The language switch in the admin's header, in Chromium: picking Danish shows the page in
Danish at once (its script sends the form; no button needed), and the choice stays."""

import pytest
from django.urls import reverse
from selenium.webdriver.support.select import Select

pytestmark = pytest.mark.browser


def test_picking_danish_in_the_header_turns_the_admin_danish(admin):
    admin.open(reverse("admin:accounts_app_customer_changelist"))
    assert admin.find("#language-switch button").is_displayed() is False
    page = admin.find("html")
    Select(admin.find("#language-switch-select")).select_by_value("da")
    admin.wait_until(lambda driver: page != admin.find("html"), "the page never reloaded")
    admin.wait_for_text("#content h1", "Vælg kunde")
    assert admin.driver.current_url.endswith(reverse("admin:accounts_app_customer_changelist"))
    admin.open(reverse("admin:index"))
    admin.wait_for_text("#content", "Debitorregnskab")
    Select(admin.find("#language-switch-select")).select_by_value("en")
    admin.wait_for_text("#content", "Sales ledger")
