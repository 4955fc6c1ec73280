"""Every page carries the Content-Security-Policy, the admin's login page and the JSON answers
included; the browser test checks that the main screens break none of it."""
import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/admin/accounts_app/invoice/"])
def test_every_page_has_a_content_security_policy_without_inline_scripts(client, path):
    header = client.get(path)["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert (policy["script-src"], policy["style-src"]) == ("'self'", "'self'")
    assert policy["frame-ancestors"] == "'none'" and "'unsafe-inline'" not in header
