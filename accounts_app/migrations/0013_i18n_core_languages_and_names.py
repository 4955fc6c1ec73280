"""Danish and English: a customer's language (empty: Danish in Denmark, English elsewhere), the
language fixed on each invoice at issue (its PDF's), the language an import reports in, and
the names of every field and model in words that can be translated.

The buyer's language is part of the issued document: the triggers of 0012 are created again
with it among the locked columns. Invoices issued before get the language their buyer's
country gives, written while no trigger is in place (on SQLite adding a column rebuilds the
table, which drops its triggers anyway)."""

import importlib

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import django_countries.fields
from decimal import Decimal
from django.db import migrations, models

guards = importlib.import_module("accounts_app.migrations.0012_issued_invoice_triggers")
LOCKED_COLUMNS = (*guards.LOCKED_COLUMNS, "buyer_language")


def triggers_drop(apps, schema_editor) -> None:
    guards.triggers_run(schema_editor.connection, create=False)


def triggers_create_before(apps, schema_editor) -> None:
    guards.triggers_run(schema_editor.connection, create=True)


def triggers_create_with_language(apps, schema_editor) -> None:
    guards.triggers_run(schema_editor.connection, create=True, columns=LOCKED_COLUMNS)


def issued_invoices_language_fill(apps, schema_editor) -> None:
    invoices = apps.get_model("accounts_app", "Invoice").objects.exclude(state="draft")
    invoices.filter(buyer_country="DK").update(buyer_language="da")
    invoices.exclude(buyer_country="DK").update(buyer_language="en")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts_app', '0012_issued_invoice_triggers'),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_create_before),
        migrations.AlterModelOptions(
            name='customer',
            options={'ordering': ['number'], 'verbose_name': 'customer', 'verbose_name_plural': 'customers'},
        ),
        migrations.AlterModelOptions(
            name='invoice',
            options={'ordering': [models.OrderBy(models.F('number'), descending=True, nulls_first=True), '-id'], 'permissions': [('finalize_invoice', 'Can finalize invoices and create credit notes')], 'verbose_name': 'invoice', 'verbose_name_plural': 'invoices'},
        ),
        migrations.AlterModelOptions(
            name='invoiceline',
            options={'ordering': ['position', 'id'], 'verbose_name': 'invoice line', 'verbose_name_plural': 'invoice lines'},
        ),
        migrations.AlterModelOptions(
            name='invoicenumberseries',
            options={'verbose_name': 'invoice number series', 'verbose_name_plural': 'invoice number series'},
        ),
        migrations.AlterModelOptions(
            name='ledgerimport',
            options={'default_permissions': (), 'ordering': ['-created_at', '-id'], 'verbose_name': 'spreadsheet import', 'verbose_name_plural': 'spreadsheet imports'},
        ),
        migrations.AlterModelOptions(
            name='payment',
            options={'ordering': ['-date', '-id'], 'verbose_name': 'payment', 'verbose_name_plural': 'payments'},
        ),
        migrations.AlterModelOptions(
            name='paymentcondition',
            options={'ordering': ['name'], 'verbose_name': 'payment condition', 'verbose_name_plural': 'payment conditions'},
        ),
        migrations.AlterModelOptions(
            name='project',
            options={'ordering': ['number'], 'verbose_name': 'project', 'verbose_name_plural': 'projects'},
        ),
        migrations.AlterModelOptions(
            name='salesaccount',
            options={'ordering': ['number'], 'verbose_name': 'sales account', 'verbose_name_plural': 'sales accounts'},
        ),
        migrations.AlterModelOptions(
            name='servicetype',
            options={'ordering': ['name'], 'verbose_name': 'service type', 'verbose_name_plural': 'service types'},
        ),
        migrations.AlterModelOptions(
            name='vatcode',
            options={'ordering': ['code'], 'verbose_name': 'VAT code', 'verbose_name_plural': 'VAT codes'},
        ),
        migrations.AddField(
            model_name='customer',
            name='language',
            field=models.CharField(blank=True, choices=[('da', 'Danish'), ('en', 'English')], help_text="The language of the customer's invoices. Empty: Danish for a customer in Denmark, English elsewhere.", max_length=2, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='buyer_language',
            field=models.CharField(blank=True, choices=[('da', 'Danish'), ('en', 'English')], editable=False, max_length=2, verbose_name="buyer's language"),
        ),
        migrations.AddField(
            model_name='ledgerimport',
            name='language',
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='address',
            field=models.CharField(blank=True, max_length=255, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='city',
            field=models.CharField(blank=True, max_length=100, verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='country',
            field=django_countries.fields.CountryField(default='DK', max_length=2, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='currency',
            field=models.CharField(default='DKK', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 currency code in capitals, e.g. DKK or EUR.')], verbose_name='currency'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='kind',
            field=models.CharField(choices=[('company', 'Company'), ('person', 'Person')], default='company', max_length=10, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='name',
            field=models.CharField(max_length=255, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='number',
            field=models.PositiveIntegerField(unique=True, verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='payment_condition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='customers', to='accounts_app.paymentcondition', verbose_name='payment condition'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='amount_paid',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='amount paid'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='corrects',
            field=models.OneToOneField(blank=True, editable=False, help_text='Set on a correction: the invoice it replaces, which its credit note cancels.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrected_by', to='accounts_app.invoice', verbose_name='corrects'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='credited_invoice',
            field=models.ForeignKey(blank=True, editable=False, help_text='Set on a credit note: the invoice it credits.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='accounts_app.invoice', verbose_name='credited invoice'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='currency',
            field=models.CharField(default='DKK', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 currency code in capitals, e.g. DKK or EUR.')], verbose_name='currency'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='accounts_app.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='due_date',
            field=models.DateField(blank=True, help_text="Computed from the payment condition; give it only for a 'due date' condition.", null=True, verbose_name='due date'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='exchange_rate',
            field=models.DecimalField(blank=True, decimal_places=6, help_text="The ledger's base currency for one unit of the invoice currency (1 for the base currency). Empty for a foreign currency: e-conomic applies its own rate.", max_digits=12, null=True, verbose_name='exchange rate'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='external_number',
            field=models.CharField(blank=True, editable=False, help_text="The number the accounting system gave it, when that number is copied back (our own number stays the invoice's number).", max_length=30, verbose_name='external number'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='finalized_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='finalized at'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='gross_total',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='gross total'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='import_reference',
            field=models.CharField(blank=True, help_text='The key an imported invoice came with, so a second import does not create it again.', max_length=100, verbose_name='import reference'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='issue_date',
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name='issue date'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='net_total',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='net total'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='notes',
            field=models.TextField(blank=True, verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='number',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='our_reference',
            field=models.CharField(blank=True, max_length=255, verbose_name='our reference'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='payment_condition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='accounts_app.paymentcondition', verbose_name='payment condition'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='project',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='accounts_app.project', verbose_name='project'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='state',
            field=models.CharField(choices=[('draft', 'Draft'), ('finalized', 'Finalized'), ('partly_paid', 'Partly paid'), ('paid', 'Paid'), ('credited', 'Credited')], default='draft', editable=False, max_length=20, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='their_reference',
            field=models.CharField(blank=True, max_length=255, verbose_name='their reference'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='description',
            field=models.CharField(max_length=500, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='invoice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='accounts_app.invoice', verbose_name='invoice'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='net_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='net amount'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='position',
            field=models.PositiveIntegerField(default=0, verbose_name='position'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='quantity',
            field=models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=12, verbose_name='quantity'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='sales_account',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts_app.salesaccount', verbose_name='sales account'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='service_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts_app.servicetype', verbose_name='service type'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='unit_price',
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name='unit price'),
        ),
        migrations.AlterField(
            model_name='invoicenumberseries',
            name='name',
            field=models.CharField(max_length=50, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='invoicenumberseries',
            name='next_number',
            field=models.PositiveIntegerField(default=1, verbose_name='next number'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='file_format',
            field=models.CharField(choices=[('csv', 'CSV'), ('xlsx', 'XLSX')], max_length=10, verbose_name='file format'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='file_name',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='kind',
            field=models.CharField(choices=[('customers', 'Customers'), ('invoice_lines', 'Invoices (one row per line)')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='state',
            field=models.CharField(choices=[('pending', 'Waiting for a worker'), ('running', 'Importing'), ('done', 'Imported'), ('refused', 'Refused: nothing was imported')], default='pending', max_length=20, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='total_rows',
            field=models.PositiveIntegerField(verbose_name='total rows'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='amount',
            field=models.DecimalField(decimal_places=2, help_text='Negative for a reversal of a payment.', max_digits=14, verbose_name='amount'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='date',
            field=models.DateField(verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='external_reference',
            field=models.CharField(blank=True, help_text="The payment's id where it came from; a second import of it is refused.", max_length=100, verbose_name='external reference'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='invoice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='accounts_app.invoice', verbose_name='invoice'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='source',
            field=models.CharField(choices=[('manual', 'Entered by hand'), ('import', 'Imported'), ('demo', 'Demo data'), ('economic', 'e-conomic')], default='manual', max_length=20, verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='paymentcondition',
            name='days',
            field=models.PositiveIntegerField(default=0, help_text='Days of credit, at most 999.', validators=[django.core.validators.MaxValueValidator(999)], verbose_name='days'),
        ),
        migrations.AlterField(
            model_name='paymentcondition',
            name='kind',
            field=models.CharField(choices=[('net', 'Net (issue date + days)'), ('current_month', 'Current month (end of month + days)'), ('cash', 'Cash'), ('prepaid', 'Prepaid'), ('due_date', 'Due date given on the invoice')], default='net', max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='paymentcondition',
            name='name',
            field=models.CharField(max_length=100, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='project',
            name='active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        migrations.AlterField(
            model_name='project',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='accounts_app.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='project',
            name='name',
            field=models.CharField(max_length=255, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='project',
            name='number',
            field=models.PositiveIntegerField(unique=True, verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='salesaccount',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='salesaccount',
            name='number',
            field=models.PositiveIntegerField(unique=True, verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='servicetype',
            name='active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        migrations.AlterField(
            model_name='servicetype',
            name='default_sales_account',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts_app.salesaccount', verbose_name='default sales account'),
        ),
        migrations.AlterField(
            model_name='servicetype',
            name='name',
            field=models.CharField(max_length=100, unique=True, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='vatcode',
            name='code',
            field=models.CharField(max_length=20, unique=True, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='vatcode',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='vatcode',
            name='rate',
            field=models.DecimalField(decimal_places=2, help_text='Percent, e.g. 25.00 for Danish VAT.', max_digits=5, verbose_name='rate'),
        ),
        migrations.RunPython(issued_invoices_language_fill, migrations.RunPython.noop),
        migrations.RunPython(triggers_create_with_language, triggers_drop),
    ]
