"""`python -m economic_sandbox`: flags reach the running server."""
import json
import subprocess
import sys

import requests

from economic_sandbox.__main__ import config_from, parser, webhook_from
from economic_sandbox.pytest_plugin import SandboxProcess


def test_the_cli_flags_become_the_settings():
    arguments = parser().parse_args([
        "--seed", "7", "--capacity", "5", "--refill", "2", "--cost", "GET /self=3",
        "--error-503", "0.25", "--hang-then", "drop", "--daily-cap", "100",
        "--webhook-url", "http://127.0.0.1:9/book/[INVOICENO]"])
    config = config_from(arguments)
    assert config.seed == 7
    assert (config.rate_limit.capacity, config.rate_limit.refill_per_second) == (5.0, 2.0)
    assert config.rate_limit.costs["GET /self"] == 3.0
    assert config.rate_limit.daily_cap == 100
    assert (config.faults.error_503, config.faults.hang_then) == (0.25, "drop")
    assert config.webhooks == [{"event": "Invoice booked",
                                "url": "http://127.0.0.1:9/book/[INVOICENO]"}]


def test_a_webhook_flag_can_name_its_event():
    assert webhook_from("Day book booked=http://x/[DAYBOOKNO]") == {
        "event": "Day book booked", "url": "http://x/[DAYBOOKNO]"}


def test_a_bad_fault_flag_is_refused():
    answer = subprocess.run([sys.executable, "-m", "economic_sandbox", "--hang-phase", "never"],
                            capture_output=True, timeout=30)
    assert answer.returncode == 2


def test_the_process_serves_the_api_with_the_flags_it_was_given(tmp_path):
    process = SandboxProcess(tmp_path / "state.json", "--error-503", "1", "--seed", "3").start()
    try:
        headers = {"X-AppSecretToken": "sandbox-app-secret",
                   "X-AgreementGrantToken": "sandbox-grant-1"}
        assert requests.get(f"{process.base_url}/self", headers=headers, timeout=5).status_code == 503
        faults = requests.get(f"{process.base_url}/_sandbox/faults", timeout=5).json()
        assert (faults["seed"], faults["error_503"]) == (3, 1.0)
    finally:
        process.stop()
    assert process.process.returncode == 0
    assert (tmp_path / "state.json").exists()  # written at shutdown


def control(base_url: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "economic_sandbox", "control", "--url", base_url,
                           *arguments], capture_output=True, text=True, timeout=30)


def test_the_control_command_sets_faults_revokes_and_reads_the_log(sandbox):
    done = control(sandbox.base_url, "faults", '{"error_503": 1.0}')
    assert done.returncode == 0
    assert json.loads(done.stdout)["error_503"] == 1.0
    assert sandbox.get("/self").status_code == 503
    assert control(sandbox.base_url, "reset").returncode == 0
    assert control(sandbox.base_url, "revoke", "9000001").returncode == 0
    assert sandbox.get("/self").status_code == 401
    logged = json.loads(control(sandbox.base_url, "requests").stdout)["requests"]
    assert [entry["status"] for entry in logged] == [401]


def test_the_control_command_reports_a_refusal(sandbox):
    done = control(sandbox.base_url, "faults", '{"error_503": 5}')
    assert done.returncode == 1
    assert "probability" in done.stderr
