"""Admin screens for finance staff. Actions and saves call services; nothing here decides a
business rule on its own."""
from accounts_app.admin import customers, invoices, payments, reference, task_queue  # noqa: F401
