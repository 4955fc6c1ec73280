"""Suite-wide fixtures. Each area keeps its own in its folder's conftest.py."""

# The e-conomic sandbox fixtures (`sandbox`, `sandbox_server`, `sandbox_process`).
pytest_plugins = ["economic_sandbox.pytest_plugin"]
