#!/usr/bin/env python3
"""A TLS-terminating relay for the tests: listens on 127.0.0.1 with the given
certificate and key, and pipes each connection to a plain TCP port (the Jira
stand-in), as a reverse proxy in front of Jira would. Prints its port, then
serves until killed. Standard library only.

usage: tls_proxy.py CERT KEY TARGET_PORT
"""

import socket
import ssl
import sys
import threading


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(client, target_port):
    try:
        upstream = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    pipe(upstream, client)


def main():
    cert, key, target_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        raw, _ = listener.accept()
        try:
            client = context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # e.g. a client that does not trust us hangs up
            continue
        threading.Thread(target=relay, args=(client, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
