"""e-conomic side of Ledger Bridge.

A `Connection` is one e-conomic agreement with its settings and tokens (the grant encrypted at
rest). `RemoteRecord` caches e-conomic's reference data (customers, products, layouts, ...) so
admin pickers never call e-conomic per keystroke. The mapping models pair our ledger's service
types, VAT codes, payment conditions, sales accounts and customers with e-conomic's. `ApiCall`
is the log of every call the client made, with the tokens left out. `ExportRun` and
`ExportJob` are the export outbox (see integration/models/exports.py); `PaymentImport` and
`SyncedPayment` the payments that come back (integration/models/payments.py); `Alert` what a
person must act on (integration/models/alerts.py); `ReconcileRun` and `ReconcileFinding` the
daily reconciliation (integration/models/reconcile.py).
"""

from integration.models.alerts import Alert, AlertKind, WorkerHeartbeat
from integration.models.calls import ApiCall, BudgetWarning, RateLimitBucket
from integration.models.connection import Connection
from integration.models.exports import (
    ErrorKind,
    ExportJob,
    ExportRun,
    InvoiceExport,
    JobKind,
    JobState,
    ProjectLink,
    RunState,
)
from integration.models.installation import Installation
from integration.models.mappings import (
    CustomerLink,
    PaymentConditionPairing,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.models.payments import (
    ImportState,
    ImportTrigger,
    PaymentChange,
    PaymentChangeKind,
    PaymentImport,
    SyncedPayment,
    SyncedPaymentKind,
    SyncedPaymentState,
)
from integration.models.reconcile import (
    FindingKind,
    FindingState,
    ReconcileFinding,
    ReconcileRun,
    ReconcileRunState,
    ReconcileTrigger,
)
from integration.models.reference import RemoteKind, RemoteRecord
from integration.models.webhooks import (
    DeliveryOutcome,
    PaymentWebhook,
    WebhookDelivery,
    WebhookEvent,
)

__all__ = [
    "Alert",
    "AlertKind",
    "ApiCall",
    "Connection",
    "CustomerLink",
    "DeliveryOutcome",
    "ErrorKind",
    "ExportJob",
    "ExportRun",
    "InvoiceExport",
    "JobKind",
    "JobState",
    "ImportState",
    "ImportTrigger",
    "Installation",
    "PaymentConditionPairing",
    "PaymentImport",
    "PaymentWebhook",
    "PaymentChange",
    "PaymentChangeKind",
    "SyncedPayment",
    "SyncedPaymentKind",
    "SyncedPaymentState",
    "ProjectLink",
    "RateLimitBucket",
    "FindingKind",
    "FindingState",
    "ReconcileFinding",
    "ReconcileRun",
    "ReconcileRunState",
    "ReconcileTrigger",
    "BudgetWarning",
    "RemoteKind",
    "RemoteRecord",
    "RunState",
    "SalesAccountMapping",
    "ServiceTypeMapping",
    "VatCodePairing",
    "WebhookDelivery",
    "WebhookEvent",
    "WorkerHeartbeat",
]
