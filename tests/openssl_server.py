"""openssl_server.py - a one-request HTTPS server on Python's ssl module, that is OpenSSL: the
interop partner of tests/test_openssl.sh. It offers TLS 1.2 with one ECDHE group and the given
cipher list, reads one POST, answers with a one-event Gemini stream (chunked SSE) and prints
the suite it negotiated. It listens on a free port of 127.0.0.1 and prints "ready PORT".
    python3 tests/openssl_server.py CERT KEY GROUP CIPHERS
"""
import socket
import ssl
import sys

cert, key, group, ciphers = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
ctx.set_ciphers(ciphers)
ctx.set_ecdh_curve(group)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
listener.settimeout(10)
print("ready", listener.getsockname()[1], flush=True)
conn = ctx.wrap_socket(listener.accept()[0], server_side=True)
data = b""
while b"\r\n\r\n" not in data:
    data += conn.recv(4096)
head, body = data.split(b"\r\n\r\n", 1)
length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
              if line.lower().startswith(b"content-length:"))
while len(body) < length:
    body += conn.recv(4096)
event = (b'data: {"candidates": [{"content": {"parts": [{"text": "hello from OpenSSL"}],'
         b'"role": "model"},"finishReason": "STOP","index": 0}]}\r\n\r\n')
conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(event), event))
print("suite", conn.cipher()[0], flush=True)
conn.close()
