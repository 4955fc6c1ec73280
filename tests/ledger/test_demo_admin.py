import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run_demo_admin() -> tuple[str, str]:
    output = StringIO()
    call_command("demo_admin", stdout=output)
    text = output.getvalue()
    username = re.search(r"Username: (\S+)", text).group(1)
    password = re.search(r"Password: (\S+)", text).group(1)
    return username, password


def test_it_creates_a_superuser_and_prints_a_login_that_works(settings):
    settings.DEBUG = True
    username, password = run_demo_admin()
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_superuser and user.is_staff


def test_running_it_again_resets_the_password_to_a_new_one(settings):
    settings.DEBUG = True
    username, first = run_demo_admin()
    _, second = run_demo_admin()
    assert first != second
    assert authenticate(username=username, password=first) is None
    assert authenticate(username=username, password=second) is not None
    assert get_user_model().objects.filter(username=username).count() == 1


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Use createsuperuser for a real installation"):
        call_command("demo_admin", stdout=StringIO())
    assert not get_user_model().objects.exists()
