"""A free TCP port on 127.0.0.1, for the servers the tests start (PostgreSQL, uvicorn)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; a race with another process that
    binds it before the caller is possible but harmless in tests: the start fails loudly)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
