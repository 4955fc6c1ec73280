"""manage.py demo_admin: the demo's superuser, with a password kept in `.env` so that every
`make demo` prints the same login."""
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

PASSWORD_VARIABLE = "DEMO_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the demo superuser with the password in .env (DEMO_ADMIN_PASSWORD, written there "
        "the first time) and print the login. It is the same login on every run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Set the user's password back to the one in .env (after it was changed).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (it prints a superuser password to the terminal).",
        )

    def handle(self, *args, username: str, reset: bool, allow_without_debug: bool, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                _("demo_admin prints a superuser password and is meant for the demo (DEBUG=true). "
                  "Use createsuperuser for a real installation, or pass --allow-without-debug.")
            )
        password = _demo_password()
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or reset or not user.has_usable_password():
            user.set_password(password)
        user.save()
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        url = f"http://{host}:{port}/admin/"
        if user.check_password(password):
            self.stdout.write(self.style.SUCCESS(
                "\n" + _("Log in at %(url)s") % {"url": url}
                + "\n    " + _("Username: %(username)s") % {"username": username}
                + "\n    " + _("Password: %(password)s") % {"password": password} + "\n"
            ))  # fmt: skip
            return
        self.stdout.write(self.style.WARNING("\n" + _(
            "Log in at %(url)s as %(username)s with the password you set; `manage.py demo_admin "
            "--reset` sets it back to the one in .env.") % {"url": url, "username": username}
            + "\n"
        ))  # fmt: skip


def _demo_password() -> str:
    """The password in the environment, or a new one appended to the env file (an `.env` from
    before the demo kept its password there)."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if password:
        return password
    password = secrets.token_urlsafe(12)
    env_file = Path(settings.DEMO_ENV_FILE)
    existing = env_file.read_text() if env_file.exists() else ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    env_file.write_text(f"{existing}{separator}{PASSWORD_VARIABLE}={password}\n")
    os.environ[PASSWORD_VARIABLE] = password
    return password
