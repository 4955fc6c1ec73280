"""Projects through the OpenAPI Projects API subset (REFERENCE §2.13, §3.2)."""

from tests.sandbox import invoice_api

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

PROJECTS = "/api/v22.0.0/projects"


def create(api, **fields):
    body = {"name": "Website", "projectGroupNumber": 1, **fields}
    answer = api.post(PROJECTS, body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_creating_a_project_answers_201_with_number_version_and_location(api):
    answer = api.post(PROJECTS, {"name": "Website", "projectGroupNumber": 1})
    assert answer.status_code == 201
    project = answer.json()
    assert project["number"] == 1 and project["objectVersion"]
    assert answer.headers["Location"] == api.url(f"{PROJECTS}/1")
    assert api.get(f"{PROJECTS}/1").json() == project


def test_a_project_may_choose_its_number(api):
    assert create(api, number=4711)["number"] == 4711
    assert (
        api.post(PROJECTS, {"name": "x", "projectGroupNumber": 1, "number": 4711}).status_code
        == 400
    )


def test_an_invoiceable_project_needs_a_customer(api):
    answer = api.post(PROJECTS, {"name": "Billable", "projectGroupNumber": 2})
    assert answer.status_code == 400
    assert answer.json()["code"] == "ProjectCannotBeCreatedUpdatedCustomerNumberRequired"
    assert create(api, projectGroupNumber=2, customerNumber=1)["customerNumber"] == 1


def test_an_unknown_customer_or_group_is_refused(api):
    assert (
        api.post(PROJECTS, {"name": "x", "projectGroupNumber": 9}).json()["code"]
        == "ProjectGroupNotFound"
    )
    body = {"name": "x", "projectGroupNumber": 1, "customerNumber": 4242}
    assert api.post(PROJECTS, body).json()["property"] == "customerNumber"


def test_a_name_is_required_and_nulls_are_refused(api):
    assert api.post(PROJECTS, {"projectGroupNumber": 1}).json()["code"] == "ProjectNameRequired"
    assert (
        api.post(PROJECTS, {"name": "x", "projectGroupNumber": 1, "description": None}).status_code
        == 400
    )


def test_put_with_the_current_version_updates_and_changes_the_version(api):
    project = create(api)
    answer = api.put(PROJECTS, {**project, "name": "Website v2"})
    assert answer.status_code == 204
    updated = api.get(f"{PROJECTS}/{project['number']}").json()
    assert updated["name"] == "Website v2"
    assert updated["objectVersion"] != project["objectVersion"]


def test_put_with_a_stale_version_is_409(api):
    project = create(api)
    api.put(PROJECTS, {**project, "name": "First writer"})
    answer = api.put(PROJECTS, {**project, "name": "Second writer"})
    assert answer.status_code == 409
    assert answer.json()["message"] == "Update conflict. Version does not match."
    assert api.get(f"{PROJECTS}/{project['number']}").json()["name"] == "First writer"


def test_put_without_object_version_is_refused(api):
    project = create(api)
    del project["objectVersion"]
    answer = api.put(PROJECTS, project)
    assert answer.status_code == 400 and answer.json()["code"] == "ObjectVersionRequired"


def test_put_on_the_projects_url_must_match_the_body(api):
    project = create(api)
    assert api.put(f"{PROJECTS}/{project['number']}", {**project, "name": "ok"}).status_code == 204
    other = {**api.get(f"{PROJECTS}/{project['number']}").json(), "number": 999}
    assert api.put(f"{PROJECTS}/{project['number']}", other).status_code == 400


def test_the_cursor_list_pages_by_1000_and_says_where_to_continue(api):
    for _ in range(3):
        create(api)
    body = api.get(PROJECTS).json()
    assert [project["number"] for project in body["items"]] == [1, 2, 3]
    assert "cursor" not in body
    assert [p["number"] for p in api.get(PROJECTS, params={"cursor": "2"}).json()["items"]] == [
        2,
        3,
    ]


def test_the_paged_list_and_count(api):
    for _ in range(5):
        create(api)
    page = api.get(f"{PROJECTS}/paged", params={"skippages": 1, "pagesize": 2}).json()
    assert [project["number"] for project in page] == [3, 4]
    assert api.get(f"{PROJECTS}/count").json() == 5
    assert api.get(f"{PROJECTS}/paged", params={"pagesize": 101}).status_code == 400


def test_projects_filter_and_sort(api):
    create(api, name="Alpha")
    create(api, name="Beta", projectGroupNumber=2, customerNumber=1)
    items = api.get(PROJECTS, params={"filter": "customerNumber$eq:1"}).json()["items"]
    assert [project["name"] for project in items] == ["Beta"]
    items = api.get(PROJECTS, params={"sort": "-name"}).json()["items"]
    assert [project["name"] for project in items] == ["Beta", "Alpha"]
    assert api.get(PROJECTS, params={"filter": "objectVersion$eq:x"}).status_code == 400


def test_an_unknown_project_is_404(api):
    assert api.get(f"{PROJECTS}/99").status_code == 404


def test_without_the_projects_module_every_call_is_403(api_without_projects):
    for method, path in (
        ("GET", PROJECTS),
        ("GET", f"{PROJECTS}/1"),
        ("POST", PROJECTS),
        ("GET", f"{PROJECTS}/count"),
    ):
        answer = api_without_projects.request(
            method, path, json={"name": "x", "projectGroupNumber": 1}
        )
        assert answer.status_code == 403, (method, path)
        assert answer.json()["code"] == "ProjectsModuleNotEnabled"


def test_creating_a_project_fires_project_updated(api, sandbox):
    sandbox.add_webhook("Project updated", "http://127.0.0.1:9/project?n=[NEWNUMBER]")
    create(api)
    assert "http://127.0.0.1:9/project?n=1" in [d["url"] for d in sandbox.webhook_deliveries()]
