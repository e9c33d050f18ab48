"""Run a command with tripwires on 127.0.0.1:5432 and 6379 (PostgreSQL's and Redis's ports) and
count who connects: `unshare --net python tests/ops/tripwire.py RECORD -- COMMAND...`.

Meant for a network namespace of its own (nothing else listens there): it brings the loopback
up, accepts every connection to those ports, notes the port in RECORD and closes it. It exits
with the command's exit code.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

HOST_PORTS = (5432, 6379)


def listen(port: int) -> socket.socket:
    """Return a socket listening on 127.0.0.1:port."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    return listener


def watch(listener: socket.socket, port: int, record: str, lock: threading.Lock) -> None:
    """Accept connections forever, noting the port of each one."""
    while True:
        conn, _ = listener.accept()
        with lock, open(record, "a") as out:
            out.write(f"{port}\n")
        conn.close()


def main(argv: list[str]) -> int:
    """Bring up lo, start the tripwires, run the command after `--`, return its exit code."""
    record, separator, *command = argv
    assert separator == "--" and command, "uso: tripwire.py RECORD -- COMANDO..."
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    lock = threading.Lock()
    for port in HOST_PORTS:  # listening before the command starts
        listener = listen(port)
        threading.Thread(target=watch, args=(listener, port, record, lock), daemon=True).start()
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
