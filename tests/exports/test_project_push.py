"""Projects pushed as they change (with "push on change" and "sync projects"): created in
e-conomic's Projects API with our number, updated on change by the field policy, a concurrent
change in e-conomic (objectVersion, 409) read again instead of overwritten."""

import pytest
from django.db import transaction

from accounts_app.models import Project
from integration.models import ExportJob, JobKind, JobState, ProjectLink
from integration.services.connections import connection_client
from integration.services.exports import export_process
from integration.services.installation import installation_code, party_reference
from integration.tasks import export_job_task
from tests.exports.conftest import make_customer, remote_writes

PROJECTS = "/api/v22.0.0/projects"


@pytest.fixture
def pushing(exporting):
    exporting.push_on_change = exporting.sync_projects = True
    exporting.field_policy = "fill_empty"
    exporting.save()
    return exporting


def _send_all():
    for job in ExportJob.objects.exclude(state=JobState.DONE).order_by("kind", "revision"):
        export_job_task(job.pk)


def _remote(sandbox, number: int) -> dict:
    return sandbox.get(f"{PROJECTS}/{number}").json()


def _project(number=4711, name="Harbour bridge", **fields) -> Project:
    return Project.objects.create(number=number, name=name, customer=make_customer(), **fields)


def test_a_new_project_is_created_with_our_number_and_a_change_updates_it(pushing, sandbox):
    pushing.field_policy = "overwrite"
    pushing.save()
    project = _project()
    _send_all()
    assert _remote(sandbox, 4711)["name"] == "Harbour bridge"
    assert ProjectLink.objects.get(project=project).remote_number == 4711
    project.name = "Harbour bridge, phase 2"
    project.save()
    since = sandbox.last_request_id()
    _send_all()
    assert [(entry["method"], entry["path"]) for entry in remote_writes(sandbox, since)] == [
        ("PUT", PROJECTS)
    ]
    assert _remote(sandbox, 4711)["name"] == "Harbour bridge, phase 2"
    jobs = ExportJob.objects.filter(kind=JobKind.PROJECT, object_id=project.pk)
    assert sorted(jobs.values_list("revision", "state")) == [(1, "done"), (2, "done")]


def test_the_job_is_written_with_the_save_and_sent_only_after_commit(pushing):
    with transaction.atomic():
        project = _project()
        job = ExportJob.objects.get(kind=JobKind.PROJECT, object_id=project.pk)
        assert job.reference == party_reference("project", project.pk, installation=installation_code()) and job.state == JobState.PENDING
    with pytest.raises(RuntimeError), transaction.atomic():
        _project(number=4712)
        raise RuntimeError("the save is rolled back")
    assert not Project.objects.filter(number=4712).exists()
    assert ExportJob.objects.filter(kind=JobKind.PROJECT).count() == 1


def test_fill_empty_keeps_what_the_bookkeeper_typed_in_economic(pushing, sandbox):
    project = _project()
    _send_all()
    current = _remote(sandbox, 4711)
    renamed = {**current, "name": "Named in e-conomic"}
    assert sandbox.put(PROJECTS, json=renamed).status_code == 204
    project.name, project.active = "Our new name", False
    project.save()
    _send_all()
    remote = _remote(sandbox, 4711)
    # Their name stays; the closing fills a field that was empty (not closed) there.
    assert remote["name"] == "Named in e-conomic" and remote["isClosed"] is True


def test_a_change_made_in_economic_meanwhile_is_read_again_not_overwritten(pushing, sandbox):
    project = _project()
    _send_all()
    project.active = False
    project.save()
    client = connection_client(connection=pushing)
    read = client.project_get

    def read_then_someone_edits(number):
        """Between our read and our write a bookkeeper renames the project in e-conomic."""
        current = read(number)
        if not hasattr(read_then_someone_edits, "done"):
            read_then_someone_edits.done = True
            assert sandbox.put(PROJECTS, json={**current, "name": "Renamed meanwhile"}).ok
        return current

    client.project_get = read_then_someone_edits
    since = sandbox.last_request_id()
    export_process(connection=pushing, client=client)
    puts = [entry for entry in sandbox.request_log(since) if entry["method"] == "PUT"]
    assert [entry["status"] for entry in puts] == [204, 409, 204]  # theirs, ours stale, ours
    remote = _remote(sandbox, 4711)
    assert remote["name"] == "Renamed meanwhile" and remote["isClosed"] is True
    assert ExportJob.objects.get(object_id=project.pk, revision=2).state == JobState.DONE


def test_saves_before_the_project_exists_never_make_a_second_one(pushing, sandbox):
    project = _project()
    project.save()
    project.save()
    since = sandbox.last_request_id()
    _send_all()
    _send_all()
    posts = [e for e in remote_writes(sandbox, since) if e["path"] == PROJECTS and
             e["method"] == "POST"]  # fmt: skip
    assert len(posts) == 1
    assert set(ExportJob.objects.filter(kind=JobKind.PROJECT).values_list("state", flat=True)) == {
        JobState.DONE
    }


def test_a_project_whose_customer_is_not_in_economic_fails_with_the_fix(exporting, sandbox):
    customer = make_customer(name="Unlinked ApS")  # pushed customers are off here
    exporting.push_on_change = exporting.sync_projects = True
    exporting.save()
    project = Project.objects.create(number=4800, name="Orphan", customer=customer)
    since = sandbox.last_request_id()
    _send_all()
    job = ExportJob.objects.get(kind=JobKind.PROJECT, object_id=project.pk)
    assert (job.state, job.error_kind) == (JobState.FAILED, "configuration")
    assert "its customer" in job.last_error and "is not in e-conomic" in job.last_error
    assert remote_writes(sandbox, since) == []


def test_nothing_is_pushed_without_sync_projects(exporting):
    exporting.push_on_change, exporting.sync_projects = True, False
    exporting.save()
    _project()
    assert not ExportJob.objects.filter(kind=JobKind.PROJECT).exists()
