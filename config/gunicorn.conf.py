"""gunicorn's settings for `make run` (scripts/run.sh passes this file; the bind address and
worker count come from its command line)."""

# The access log to stdout, with every webhook secret in a URL replaced by [secret].
accesslog = "-"
logger_class = "integration.logredact.RedactingGunicornLogger"
# Only the reverse proxy on this machine may say a request came over TLS.
forwarded_allow_ips = "127.0.0.1"
# No control socket: its one default path in $HOME would be shared by every gunicorn of the user.
control_socket_disable = True
