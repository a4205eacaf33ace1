#!/usr/bin/env python3
"""Load figures of `piao serve` (standard library only; not run by CI).

    serve_load.py PIAO CONTENT_DIR

Starts `PIAO serve --porta 0 --contenuti CONTENT_DIR` on 127.0.0.1 and measures:
  1. a download while another tab asks for pages: the albo PDF of the whole annex is
     requested (built afresh) and, 0.3 s later, another tab asks for the state of an
     objective never shown before and for its first page image; prints how long the
     download took and how long the other tab waited;
  2. sixty parallel requests for one page image at 4 pixels per point: the server's
     peak RSS (VmHWM) before and after the burst, and how long the burst took.
Every request goes to 127.0.0.1 only, and the script stops the server at the end.
"""

import http.client
import json
import subprocess
import sys
import threading
import time


def main():
    piao, content = sys.argv[1], sys.argv[2]
    proc = subprocess.Popen([piao, "serve", "--porta", "0", "--contenuti", content],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().strip()
        host, port = url[len("http://"):].rstrip("/").rsplit(":", 1)
        port = int(port)

        def get(path):
            c = http.client.HTTPConnection(host, port, timeout=600)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            c.close()
            return r.status, body

        def hwm():
            for line in open("/proc/%d/status" % proc.pid):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
            return 0

        t = time.time()
        status, body = get("/api/stato?sel=tutto")
        state = json.loads(body)
        print("first layout of the annex: %.2f s" % (time.time() - t))
        other = [o["id"] for o in state["obiettivi"] if o["leggibile"]][-1]

        # 1. A download while another tab asks for pages.
        done = {}

        def download():
            t0 = time.time()
            s, b = get("/scarica/pdf?sel=tutto&profilo=albo&parte=pdf")
            done["download"] = (time.time() - t0, s, len(b))

        d = threading.Thread(target=download)
        d.start()
        time.sleep(0.3)
        t0 = time.time()
        s, b = get("/api/stato?sel=" + other)
        view = json.loads(b)
        page = view["vista"]["pagine"][0]["id"]
        s2, png = get("/pagina/%s.png?s=2" % page)
        tab = time.time() - t0
        d.join()
        secs, s3, size = done["download"]
        print("download of the albo PDF: %.2f s (status %d, %d bytes)" % (secs, s3, size))
        print("other tab (state of %s + its first page) during the download: %.2f s (status %d, %d)"
              % (other, tab, s, s2))

        # 2. Sixty parallel requests for one page image.
        page = state["vista"]["pagine"][3]["id"]
        before = hwm()
        barrier = threading.Barrier(60)
        results = []

        def one():
            barrier.wait()
            results.append(get("/pagina/%s.png?s=4" % page)[0])

        threads = [threading.Thread(target=one) for _ in range(60)]
        t0 = time.time()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        print("60 parallel PNG requests: %.2f s, statuses %s; peak RSS %d MiB before, %d MiB after"
              % (time.time() - t0, sorted(set(results)), before, hwm()))
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
