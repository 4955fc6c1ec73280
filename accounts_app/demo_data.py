"""The demo company's fixed data: a Danish consultancy's customers, projects and price list.
Registration numbers get their check digits from python-stdnum, so every one of them is valid."""
from decimal import Decimal

from stdnum import luhn
from stdnum.dk import cvr
from stdnum.iso7064 import mod_11_10

VAT_CODES = [
    ("S25", "Danish VAT 25 %", Decimal("25.00")),
    ("RC0", "EU reverse charge 0 %", Decimal("0.00")),
    ("EXEMPT", "Exempt from VAT", Decimal("0.00")),
]
PAYMENT_CONDITIONS = [
    ("Net 8 days", "net", 8),
    ("Net 14 days", "net", 14),
    ("Net 30 days", "net", 30),
    ("Current month + 30 days", "current_month", 30),
    ("Cash", "cash", 0),
]
SALES_ACCOUNTS = [
    (1010, "Sales of services, domestic"),
    (1020, "Sales of services, EU"),
    (1030, "Sales of services, outside the EU"),
    (1040, "Sales exempt from VAT"),
    (1050, "Travel and expenses re-invoiced"),
]
# name, default sales account, hourly (or per km) price in DKK
SERVICE_TYPES = [
    ("Consulting", 1010, Decimal("1150.00")),
    ("Development", 1010, Decimal("1050.00")),
    ("Support", 1010, Decimal("850.00")),
    ("Travel", 1050, Decimal("3.79")),
]
# Sales account per VAT situation. Travel re-invoiced at home has its own account; sold to the
# EU, abroad or without VAT it is a sale like the others there (an account carries one VAT code).
SITUATION_ACCOUNT = {"domestic": 1010, "eu_reverse_charge": 1020, "abroad": 1030, "exempt": 1040}
TRAVEL_ACCOUNT = 1050
SITUATION_VAT_CODE = {
    "domestic": "S25", "eu_reverse_charge": "RC0", "abroad": "EXEMPT", "exempt": "EXEMPT",
}  # fmt: skip

DANISH_COMPANIES = [
    ("Nordlys Logistik A/S", "Havnegade 12", "1058", "København K"),
    ("Fjordhuset ApS", "Strandvejen 101", "2900", "Hellerup"),
    ("Kongeå Maskinfabrik A/S", "Industrivej 4", "6600", "Vejen"),
    ("Bølgen Arkitekter ApS", "Vesterbrogade 88", "1620", "København V"),
    ("Vestjysk Energi A/S", "Energivej 2", "6700", "Esbjerg"),
    ("Lindholm Revision ApS", "Algade 17", "9000", "Aalborg"),
    ("Skovsgaard Møbler A/S", "Savværksvej 9", "7400", "Herning"),
    ("Øresund Software ApS", "Kalvebod Brygge 45", "1560", "København V"),
    ("Himmerland Fødevarer A/S", "Mejerivej 3", "9500", "Hobro"),
    ("Søndergaard & Co. I/S", "Torvet 5", "6100", "Haderslev"),
    ("Aarhus Byggeservice ApS", "Søren Frichs Vej 38", "8230", "Åbyhøj"),
    ("Fyns Grønt A/S", "Grøntorvet 1", "5000", "Odense C"),
    ("Kattegat Shipping A/S", "Kajgaden 7", "8500", "Grenaa"),
    ("Hedebo Tandklinik ApS", "Hovedgaden 22", "2640", "Hedehusene"),
    ("Limfjord Elektro ApS", "Nørregade 31", "7800", "Skive"),
    ("Roskilde Medietryk A/S", "Københavnsvej 60", "4000", "Roskilde"),
    ("Bornholms Keramik ApS", "Store Torv 3", "3700", "Rønne"),
    ("Trekantens Transport A/S", "Vejlevej 120", "7000", "Fredericia"),
    ("Nyhavn Event ApS", "Nyhavn 17", "1051", "København K"),
    ("Silkeborg Outdoor A/S", "Papirfabrikken 10", "8600", "Silkeborg"),
    ("Mols Advokatfirma P/S", "Østergade 2", "8400", "Ebeltoft"),
]
PROJECT_NAMES = [
    "ERP migration", "Web shop", "Data warehouse", "Support agreement", "Mobile app",
    "Security review", "Integration platform", "Reporting",
]  # fmt: skip


def cvr_number(base: int) -> str:
    """A valid CVR number built on seven digits: the first check digit stdnum accepts."""
    stem = f"{base:07d}"
    for digit in "0123456789":
        if cvr.is_valid(stem + digit):
            return stem + digit
    return cvr_number(base + 1)  # no digit fits this stem (the sum needs a "10"): try the next


def swedish_vat_number(organisation_number: str) -> str:
    """SE + 10-digit organisation number (Luhn check digit) + the suffix 01."""
    return f"SE{organisation_number}{luhn.calc_check_digit(organisation_number)}01"


def german_vat_number(stem: str) -> str:
    """DE + 8 digits + an ISO 7064 Mod 11,10 check digit."""
    return f"DE{stem}{mod_11_10.calc_check_digit(stem)}"


def customer_rows() -> list[dict]:
    """About 25 customers: Danish companies, a person, two EU companies, one abroad."""
    rows = [
        {"number": 1001 + index, "kind": "company", "name": name, "address": address,
         "zip_code": zip_code, "city": city, "country": "DK",
         "vat_number": cvr_number(2_914_000 + index * 3_917), "currency": "DKK",
         "vat_situation": "domestic", "payment_condition": ("Net 14 days", "Net 30 days",
         "Current month + 30 days", "Net 8 days")[index % 4],
         "email": f"faktura@{name.split()[0].lower()}.example"}
        for index, (name, address, zip_code, city) in enumerate(DANISH_COMPANIES)
    ]  # fmt: skip
    rows[3]["ean"] = "5790000000005"
    rows += [
        {"number": 1101, "kind": "person", "name": "Mette Frederiksen Holm",
         "address": "Blomstervænget 4", "zip_code": "3400", "city": "Hillerød", "country": "DK",
         "currency": "DKK", "vat_situation": "domestic", "payment_condition": "Cash",
         "email": "mette.holm@example.com"},
        {"number": 2001, "kind": "company", "name": "Göta Konsult AB",
         "address": "Kungsportsavenyen 21", "zip_code": "411 36", "city": "Göteborg",
         "country": "SE", "vat_number": swedish_vat_number("556036079"), "currency": "SEK",
         "vat_situation": "eu_reverse_charge", "payment_condition": "Net 30 days",
         "email": "ekonomi@gota-konsult.example"},
        {"number": 2002, "kind": "company", "name": "Hanse Digital GmbH",
         "address": "Speicherstadt 5", "zip_code": "20457", "city": "Hamburg",
         "country": "DE", "vat_number": german_vat_number("13669597"), "currency": "EUR",
         "vat_situation": "eu_reverse_charge", "payment_condition": "Net 30 days",
         "email": "buchhaltung@hanse-digital.example"},
        {"number": 3001, "kind": "company", "name": "Fjelltopp Solutions AS",
         "address": "Karl Johans gate 10", "zip_code": "0154", "city": "Oslo",
         "country": "NO", "currency": "EUR", "vat_situation": "abroad",
         "payment_condition": "Net 30 days", "email": "invoice@fjelltopp.example"},
    ]  # fmt: skip
    return rows


# DKK for one unit of the currency; fixed so the demo is the same on every machine.
EXCHANGE_RATES = {"DKK": Decimal("1"), "EUR": Decimal("7.460000"), "SEK": Decimal("0.680000")}
