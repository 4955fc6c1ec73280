"""The control API (`/_sandbox`): reset, request log, agreements."""
import datetime

from tests.sandbox.conftest import A_CUSTOMER


def test_reset_brings_back_the_seed(sandbox):
    sandbox.delete("/customers/1")
    sandbox.post("/customers", json=A_CUSTOMER)
    sandbox.reset()
    numbers = [item["customerNumber"] for item in sandbox.get("/customers").json()["collection"]]
    assert numbers == [1, 2]


def test_reset_turns_faults_and_limits_back_to_the_start(sandbox):
    sandbox.set_faults(error_500=1.0)
    sandbox.set_rate_limit(capacity=1)
    sandbox.reset()
    assert sandbox.call_control("GET", "/faults")["error_500"] == 0.0
    assert sandbox.call_control("GET", "/rate-limit")["capacity"] == 10000.0


def test_the_request_log_records_each_call(sandbox):
    sandbox.post("/customers", json=A_CUSTOMER, headers={"Idempotency-Key": "k1"})
    entry = sandbox.request_log()[-1]
    assert entry["method"] == "POST" and entry["path"] == "/customers"
    assert entry["route"] == "POST /customers"
    assert (entry["status"], entry["cost"], entry["idempotencyKey"]) == (201, 2.0, "k1")
    assert entry["agreement"] == sandbox.agreement_number
    assert entry["fault"] == "" and entry["durationMs"] >= 0 and entry["time"]


def test_the_request_log_reads_from_an_id_on_and_filters(sandbox):
    sandbox.get("/self")
    since = sandbox.last_request_id()
    sandbox.get("/customers")
    sandbox.post("/customers", json=A_CUSTOMER)
    sandbox.session_for("sandbox-grant-2").get(sandbox.url("/self"))
    assert [entry["path"] for entry in sandbox.request_log(since)] == [
        "/customers", "/customers", "/self"]
    assert len(sandbox.request_log(since, method="POST")) == 1
    assert len(sandbox.request_log(since, agreement=9000002)) == 1
    assert len(sandbox.request_log(since, path="/customers")) == 2


def test_the_control_api_calls_are_not_logged(sandbox):
    sandbox.counters()
    assert sandbox.request_log() == []


def test_the_agreements_are_listed_with_their_tokens(sandbox):
    agreements = {item["agreementNumber"]: item
                  for item in sandbox.call_control("GET", "/agreements")["agreements"]}
    assert agreements[1118081]["readOnly"] is True
    assert agreements[9000001]["grantToken"] == "sandbox-grant-1"
    assert agreements[9000001]["appSecretToken"] == "sandbox-app-secret"
    assert agreements[9000002]["projects"] is False


def test_a_created_agreement_without_projects_works_with_its_own_grant(sandbox):
    created = sandbox.create_agreement(agreementNumber=9100001, grantToken="new-grant",
                                       companyName="New ApS", projects=False)
    assert created["projects"] is False
    session = sandbox.session_for("new-grant")
    me = session.get(sandbox.url("/self")).json()
    assert (me["agreementNumber"], me["company"]["name"]) == (9100001, "New ApS")
    assert all(module["name"] != "Projektstyring" for module in me["modules"])
    assert session.post(sandbox.url("/customers"), json=A_CUSTOMER).status_code == 201


def test_a_created_agreement_can_have_exactly_the_modules_given(sandbox):
    sandbox.create_agreement(grantToken="bare", modules=[{"moduleNumber": 4,
                                                          "name": "Projektstyring"}])
    me = sandbox.session_for("bare").get(sandbox.url("/self")).json()
    assert [module["name"] for module in me["modules"]] == ["Projektstyring"]
    assert me["agreementNumber"] == 9000003  # the next after the seeded writable ones


def test_an_agreement_for_a_bookkeeping_app_shows_the_role_and_cannot_read_customers(sandbox):
    sandbox.create_agreement(grantToken="books", appRole="Bookkeeping")
    session = sandbox.session_for("books")
    me = session.get(sandbox.url("/self")).json()
    assert me["application"]["requiredRoles"] == [{"roleNumber": 1, "name": "Bookkeeping"}]
    answer = session.get(sandbox.url("/customers"))
    assert answer.status_code == 403
    assert "Bookkeeping" in answer.json()["message"]
    assert session.get(sandbox.url("/accounts")).status_code == 200


def test_an_unknown_app_role_is_refused(sandbox):
    answer = sandbox.control.post(sandbox.url("/_sandbox/agreements"), json={"appRole": "Boss"})
    assert answer.status_code == 400


def test_an_agreement_number_in_use_cannot_be_created_again(sandbox):
    answer = sandbox.control.post(sandbox.url("/_sandbox/agreements"),
                                  json={"agreementNumber": 9000001})
    assert answer.status_code == 400


def test_an_unknown_agreement_is_404_on_the_control_api(sandbox):
    answer = sandbox.control.post(sandbox.url("/_sandbox/agreements/1/revoke"))
    assert answer.status_code == 404


def test_a_barred_period_refuses_booking_into_it_until_opened_again(sandbox):
    import datetime

    today = datetime.date.today()
    draft = sandbox.post("/invoices/drafts", json={
        "date": today.isoformat(), "currency": "DKK", "customer": {"customerNumber": 1},
        "layout": {"layoutNumber": 19}, "paymentTerms": {"paymentTermsNumber": 1},
        "recipient": {"name": "Horsens Kommune", "vatZone": {"vatZoneNumber": 1}}}).json()
    assert sandbox.bar_period(today.year, today.month)["barred"] is True
    assert sandbox.get(f"/accounting-years/{today.year}/periods/{today.month}").json()["closed"]
    booking = {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
    refused = sandbox.post("/invoices/booked", json=booking)
    assert refused.status_code == 400
    assert "E04870" in refused.text
    sandbox.bar_period(today.year, today.month, barred=False)
    assert sandbox.post("/invoices/booked", json=booking).status_code == 201


def test_an_agreement_whose_year_starts_in_july_has_split_years(sandbox):
    sandbox.create_agreement(grantToken="split", yearStartMonth=7)
    session = sandbox.session_for("split")
    years = session.get(sandbox.url("/accounting-years")).json()["collection"]
    spans = {year["year"]: (year["fromDate"], year["toDate"]) for year in years}
    today = datetime.date.today()
    first = today.year if today.month >= 7 else today.year - 1
    assert spans[f"{first}/{first + 1}"] == (f"{first}-07-01", f"{first + 1}-06-30")
    assert len(spans) == 4 and all("/" in name for name in spans)
    periods = session.get(
        sandbox.url(f"/accounting-years/{first}_6_{first + 1}/periods")
    ).json()["collection"]
    assert [(p["periodNumber"], p["fromDate"]) for p in (periods[0], periods[-1])] == [
        (1, f"{first}-07-01"), (12, f"{first + 1}-06-01"),
    ]  # fmt: skip


def test_a_voucher_goes_into_the_split_year_holding_its_date(sandbox):
    sandbox.create_agreement(grantToken="split-vouchers", yearStartMonth=7)
    session = sandbox.session_for("split-vouchers")
    today = datetime.date.today()
    first = today.year if today.month >= 7 else today.year - 1
    day = datetime.date(first + 1, 1, 15).isoformat()  # in the year's second calendar year
    entry = {"customer": {"customerNumber": 1}, "amount": 125.0, "date": day,
             "text": "Split year", "currency": {"code": "DKK"}}  # fmt: skip
    voucher = {"accountingYear": {"year": f"{first}/{first + 1}"}, "journal": {"journalNumber": 1},
               "entries": {"manualCustomerInvoices": [entry]}}  # fmt: skip
    answer = session.post(sandbox.url("/journals/1/vouchers"), json=voucher)
    assert answer.status_code == 201, answer.text
    assert answer.json()[0]["accountingYear"]["year"] == f"{first}/{first + 1}"
    wrong = {**voucher, "accountingYear": {"year": f"{first + 1}/{first + 2}"}}
    refused = session.post(sandbox.url("/journals/1/vouchers"), json=wrong)
    assert refused.status_code == 400 and "outside accounting year" in refused.text


def test_a_year_start_month_outside_the_calendar_is_refused(sandbox):
    answer = sandbox.control.post(sandbox.url("/_sandbox/agreements"), json={"yearStartMonth": 13})
    assert answer.status_code == 400
