#!/usr/bin/env python3
"""A client that holds minirund up, for the tests that other clients are
served meanwhile (one event loop, no thread per connection):

  slowclient.py SOCKET partial          half a request's headers, then nothing
  slowclient.py SOCKET body             the headers and a byte of a 1000-byte body
  slowclient.py SOCKET noread PATH      a GET whose answer it never reads

It prints "ready" once it has sent what it sends, then holds the connection
open until it is killed (by the test, by its pid)."""
import socket
import sys
import time


def main():
    path, mode = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # a small receive buffer: the server's writes back up soon
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    if mode == "partial":
        s.sendall(b"GET /containers/json HTTP/1.1\r\nHost: d\r\nX-Half: ")
    elif mode == "body":
        s.sendall(b"POST /containers/create HTTP/1.1\r\nHost: d\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    elif mode == "noread":
        s.sendall(b"GET " + sys.argv[3].encode() + b" HTTP/1.1\r\nHost: d\r\n\r\n")
    else:
        sys.exit("slowclient.py: unknown mode " + mode)
    print("ready", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
