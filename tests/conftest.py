"""Suite-wide fixtures. Each area keeps its own in its folder's conftest.py."""
