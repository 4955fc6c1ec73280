import re
from io import StringIO

import environ
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_env(settings, tmp_path, monkeypatch):
    """DEBUG on, and an env file of the test's own that holds no demo password yet."""
    settings.DEBUG = True
    settings.DEMO_ENV_FILE = tmp_path / ".env"
    settings.DEMO_ENV_FILE.write_text("DEBUG=true")
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    return settings.DEMO_ENV_FILE


def run_demo_admin(*args) -> str:
    output = StringIO()
    call_command("demo_admin", *args, stdout=output)
    return output.getvalue()


def login_of(text: str) -> tuple[str, str]:
    username = re.search(r"Username: (\S+)", text).group(1)
    return username, re.search(r"Password: (\S+)", text).group(1)


def test_it_creates_a_superuser_and_prints_a_login_that_works(demo_env):
    username, password = login_of(run_demo_admin())
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_superuser and user.is_staff


def test_the_login_is_the_same_on_every_run_and_kept_in_the_env_file(demo_env, monkeypatch):
    first = login_of(run_demo_admin())
    assert demo_env.read_text() == f"DEBUG=true\nDEMO_ADMIN_PASSWORD={first[1]}\n"
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD")  # a restart reads it from the file, as settings do
    environ.Env.read_env(demo_env, overwrite=False)

    assert login_of(run_demo_admin()) == first
    assert authenticate(username=first[0], password=first[1]) is not None
    assert get_user_model().objects.filter(username=first[0]).count() == 1


def test_a_password_the_user_changed_is_kept_until_reset(demo_env):
    username, password = login_of(run_demo_admin())
    user = get_user_model().objects.get(username=username)
    user.set_password("mine-now")
    user.save()

    text = run_demo_admin()
    assert "with the password you set" in text and password not in text
    assert authenticate(username=username, password="mine-now") is not None

    assert login_of(run_demo_admin("--reset")) == (username, password)
    assert authenticate(username=username, password=password) is not None


def test_it_refuses_to_run_with_debug_off(demo_env, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Use createsuperuser for a real installation"):
        call_command("demo_admin", stdout=StringIO())
    assert not get_user_model().objects.exists()
