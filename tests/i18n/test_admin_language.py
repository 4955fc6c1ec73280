"""The admin speaks the language the browser asks for, or the one chosen in its header, and
English otherwise."""

from django.urls import reverse


def test_the_admin_index_is_danish_when_the_browser_asks_for_danish(admin_client):
    page = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<html lang="da"' in page
    for word in ("Kunder", "Fakturaer", "Betalinger", "Momskoder", "Betalingsbetingelser",
                 "Debitorregnskab og e-conomic", "Skift sprog"):  # fmt: skip
        assert word in page, word
    assert "Customers" not in page


def test_the_admin_index_is_english_without_a_wish(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in page
    assert "Customers" in page and "Sales ledger and e-conomic" in page
    assert "Kunder" not in page


def test_the_language_chosen_in_the_header_outweighs_the_browser(admin_client):
    index = reverse("admin:index")
    switch = admin_client.get(index).content.decode()
    assert f'action="{reverse("set_language")}"' in switch and 'name="language"' in switch
    answer = admin_client.post(reverse("set_language"), {"language": "da", "next": index})
    assert answer.status_code == 302 and answer["Location"] == index
    page = admin_client.get(index, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kunder" in page and '<option value="da" lang="da" selected>' in page


def test_the_language_switch_has_no_inline_script(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    switch = page[page.index('class="language-switch"'):]
    switch = switch[: switch.index("</form>")]
    assert "<script>" not in switch and "onchange" not in switch and "style=" not in switch
