"""The threaded WSGI server: the standard library's wsgiref with one thread per connection, kept
open between requests (HTTP/1.1 keep-alive, as e-conomic's servers answer), so a client makes a
connection once rather than per call.

One thing wsgiref cannot do on its own is the ambiguous network failure the fault injector needs:
a write that was applied but whose answer never arrives. The app raises `DropConnection`; the
handler below then closes the socket with an RST (SO_LINGER 0) and writes nothing, so the
client sees a reset or an empty reply, exactly as when a proxy dies between commit and answer.
"""
from __future__ import annotations

import logging
import socket
import socketserver
import struct
import threading
from http.server import BaseHTTPRequestHandler
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

log = logging.getLogger("economic_sandbox")


class DropConnection(BaseException):
    """Raised by the app to close the connection without a response. A BaseException so that
    no `except Exception` on the way up answers it with a 500."""


class _Handler(ServerHandler):
    dropped = False
    sized = False  # the answer said its length: the connection may carry another request
    http_version = "1.1"

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        self.sized = "Content-Length" in self.headers

    def handle_error(self) -> None:
        import sys

        if isinstance(sys.exc_info()[1], DropConnection):
            self.dropped = True  # nothing is written; the request handler resets the socket
            return
        super().handle_error()

    def log_exception(self, exc_info) -> None:
        log.error("sandbox handler failed", exc_info=exc_info)


class RequestHandler(WSGIRequestHandler):
    """wsgiref's handler with keep-alive, quiet logging (the app keeps its own request log) and
    support for `DropConnection`."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # wsgiref writes an answer in several pieces: without this, a piece waits for the
        # client's delayed ACK of the one before (tens of milliseconds) on a kept connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        # http.server's loop: one request after another until either side closes. (wsgiref's
        # own handle() serves one request per connection.)
        BaseHTTPRequestHandler.handle(self)

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True  # the client closed the connection
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        if self.headers.get("Transfer-Encoding"):
            # The app reads Content-Length bytes only: what is left must not pass for the next
            # request on this connection.
            self.close_connection = True
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                           multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())
        if handler.dropped:
            self._reset_connection()
        elif not handler.sized:
            self.close_connection = True  # the answer ends with the connection

    def _reset_connection(self) -> None:
        """Close with RST instead of FIN, so the client cannot mistake it for a clean close."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # Close now: socketserver would first shut the socket down for writing (a FIN).
            self.connection.close()
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (wsgiref's signature)
        log.debug("%s - %s", self.address_string(), format % args)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a hanging request must not keep the process alive at shutdown
    allow_reuse_address = True
    request_queue_size = 128


def make_server(app, host: str = "127.0.0.1", port: int = 0) -> ThreadingWSGIServer:
    """A bound server; port 0 picks a free port (read it from `server.server_port`)."""
    server = ThreadingWSGIServer((host, port), RequestHandler)
    server.set_app(app)
    return server


def serve_in_thread(server: ThreadingWSGIServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="economic-sandbox", daemon=True)
    thread.start()
    return thread
