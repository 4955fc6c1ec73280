"""The product's name on every admin page, and no page that leads nowhere."""

from django.urls import reverse


def test_pages_carry_the_products_name_and_view_site_leads_somewhere(client, clerk):
    client.force_login(clerk)
    index = client.get(reverse("admin:index")).content.decode()
    assert "<title>Sales ledger and e-conomic | Ledger Bridge</title>" in index
    assert "Django administration" not in index and "Django site admin" not in index
    assert client.get("/", follow=True).redirect_chain == [(reverse("admin:index"), 302)]
