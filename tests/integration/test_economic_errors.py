from integration.economic.errors import describe

LINE_ERROR = {
    "message": "Validation failed. 1 error found.",
    "errorCode": "E04300",
    "errors": {
        "lines": {
            "items": [
                {
                    "arrayIndex": 2,
                    "product": {
                        "errors": [
                            {
                                "propertyName": "product",
                                "errorMessage": "Product 'SPE-16' is barred.",
                                "errorCode": "E06600",
                            }
                        ]
                    },
                }
            ]
        }
    },
}


def test_it_names_the_line_and_field_of_a_validation_error():
    assert describe(LINE_ERROR, 400) == (
        "Validation failed: line 3, product: Product 'SPE-16' is barred. (E06600)."
    )


def test_it_reads_the_documented_key_names_too():
    body = {
        "message": "Validation failed.",
        "errors": {
            "customerGroup": {
                "errors": [{"message": "CustomerGroup '1' not found.", "errorCode": "E07140"}]
            }
        },
    }
    assert describe(body, 400) == (
        "Validation failed: customerGroup: CustomerGroup '1' not found. (E07140)."
    )


def test_it_names_the_voucher_of_a_bulk_error():
    body = {
        "message": "Validation failed. 1 error found.",
        "errors": [
            {
                "arrayIndex": 0,
                "entries": {
                    "items": [
                        {
                            "arrayIndex": 1,
                            "Account": {
                                "errors": [
                                    {"errorMessage": "Account not found.", "errorCode": "E07150"}
                                ]
                            },
                        }
                    ]
                },
            }
        ],
    }
    assert (
        describe(body, 400)
        == "Validation failed: item 1, entry 2, Account: Account not found. (E07150)."
    )


def test_it_lists_query_errors():
    body = {
        "message": "Could not parse query string filter.",
        "errors": ["Filtering is not allowed on property 'bogus'."],
    }
    assert describe(body, 400) == (
        "Could not parse query string filter: Filtering is not allowed on property 'bogus'."
    )


def test_it_never_answers_an_empty_message():
    assert describe(None, 502) == "e-conomic answered HTTP 502 without an explanation."
    assert describe({}, 500) == "e-conomic answered HTTP 500."
