"""Loopback HTTP server for s1-fetch's URL tests.

usage: serve.py ok DIR   -- serve files from DIR (python's own file handler, Content-Length set)
       serve.py die DIR  -- announce the file's full length, send a third of it, then drop the connection
Prints the bound port on the first line of stdout, then serves until killed (at most 120 s).
"""
import http.server, os, signal, socketserver, sys, threading

# A parent that ignores SIGTERM passes that on through exec; take the default back so we can be stopped.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])

mode, root = sys.argv[1], sys.argv[2]

class Dying(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/"))
        data = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 3])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)

    def log_message(self, *a):
        pass

class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)

    def log_message(self, *a):
        pass

handler = Dying if mode == "die" else Quiet
srv = socketserver.TCPServer(("127.0.0.1", 0), handler)
print(srv.server_address[1], flush=True)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
