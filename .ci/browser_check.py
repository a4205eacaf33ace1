#!/usr/bin/env python3
"""Checks `piao serve` in a real headless browser (Debian's chromium), standard library only.

    browser_check.py PIAO CONTENT_DIR OUT_DIR

Starts `PIAO serve --contenuti CONTENT_DIR --porta 0` (CONTENT_DIR must be a scratch copy:
one of its files is edited), then:
  1. `chromium --dump-dom`: the rendered page lists the 16 objectives;
  2. `chromium --screenshot`: the image is not blank (decoded here, pixels counted);
  3. through the DevTools protocol (a minimal WebSocket client below): after a content
     file is changed, the open page shows the change, without a reload;
  4. a second server on `--indirizzo 0.0.0.0` (reached on 127.0.0.1), where everything
     but the page needs the run's token: the page still shows the list, an objective's
     pages and their images (its script sends the token), and a request without the
     token gets 403.
Exits non-zero with a message on the first failure.
"""

import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1400,1000",
]
G06 = "gestionali/g06-patto-educativo.toml"
OLD_TITLE = 'titolo = "Patto educativo di comunità"'
NEW_TITLE = 'titolo = "Patto educativo di comunità (prova dal vivo)"'


def fail(message):
    print("browser check: FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def chromium(*args, timeout=120):
    profile = tempfile.mkdtemp(prefix="piao-chromium-")
    cmd = ["chromium", *CHROMIUM_FLAGS, "--user-data-dir=" + profile, *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + " is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            channels = {2: 3, 6: 4}.get(color)
            if depth != 8 or channels is None:
                fail("unexpected PNG format (depth %d, color %d)" % (depth, color))
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


class DevTools:
    """Just enough of a WebSocket client (RFC 6455) to send CDP commands."""

    def __init__(self, ws_url):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", ws_url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
            % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            fail("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.next_id = 0

    def _recv_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                fail("DevTools closed the connection")
            out += chunk
        return out

    def _frame(self):
        b0, b1 = self._recv_exact(2)
        length = b1 & 127
        if length == 126:
            (length,) = struct.unpack(">H", self._recv_exact(2))
        elif length == 127:
            (length,) = struct.unpack(">Q", self._recv_exact(8))
        return b0 & 15, self._recv_exact(length)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)
        message = b""
        while True:
            op, data = self._frame()
            message += data
            if op in (0, 1) and len(data) >= 0:
                try:
                    reply = json.loads(message)
                except ValueError:
                    continue  # a fragmented message: keep reading
                message = b""
                if reply.get("id") == self.next_id:
                    return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def wait_for(devtools, expression, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if devtools.evaluate(expression):
            return
        time.sleep(0.2)
    fail("timed out waiting for " + what)


def main():
    piao, content, out = sys.argv[1:4]
    server = subprocess.Popen([piao, "serve", "--porta", "0", "--contenuti", content],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    browser = None
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            fail("piao serve printed %r" % url)
        print("browser check: piao serve on " + url)
        # The first layout of the annex, before the browser's clock starts.
        urllib.request.urlopen(url + "api/stato?sel=tutto", timeout=300).read()

        # 1. The rendered DOM lists the 16 objectives.
        dom = chromium("--timeout=30000", "--dump-dom", url).stdout.decode()
        listed = set(re.findall(r'href="#/obiettivo/([^"]+)"', dom))
        if len(listed) != 16:
            fail("the page lists %d objectives, not 16: %s" % (len(listed), sorted(listed)))
        if "pagina-1" not in dom:
            fail("the page shows no page of the annex")
        print("browser check: the page lists the 16 objectives")

        # 2. A screenshot that is not blank.
        shot = os.path.join(out, "serve.png")
        chromium("--timeout=30000", "--screenshot=" + shot, url)
        if not os.path.exists(shot):
            fail("no screenshot written")
        width, height, channels, rows = png_pixels(shot)
        colors = set()
        dark = 0
        for row in rows[::8]:
            for x in range(0, width * channels, 8 * channels):
                px = bytes(row[x:x + 3])
                colors.add(px)
                dark += sum(px) < 200
        if len(colors) < 20 or dark < 50:
            fail("the screenshot looks blank (%d colors, %d dark samples)" % (len(colors), dark))
        print("browser check: screenshot %dx%d, %d colors sampled (%s)"
              % (width, height, len(colors), shot))

        # 3. A change to a content file shows up in the open page, without a reload.
        profile = tempfile.mkdtemp(prefix="piao-chromium-")
        browser = subprocess.Popen(
            ["chromium", *CHROMIUM_FLAGS, "--user-data-dir=" + profile,
             "--remote-debugging-port=0", url + "#/obiettivo/g06-patto-educativo"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.time() + 60
        while time.time() < deadline and port is None:
            line = browser.stderr.readline()
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = m.group(1)
        if port is None:
            fail("chromium did not open its DevTools port")
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port))
        page = next(t for t in targets if t.get("type") == "page")
        devtools = DevTools(page["webSocketDebuggerUrl"])
        wait_for(devtools, "document.querySelectorAll('#obiettivi a:not(.modifica)').length === 16",
                 "the list of objectives")
        wait_for(devtools, "document.querySelectorAll('#pagine figure').length > 0",
                 "the pages of g06")
        wait_for(devtools, "document.querySelector('#pagine img').complete", "the first image", 30)
        # Read further down: the update must leave the reader where they were.
        scrolled = devtools.evaluate(
            "(() => { const m = document.getElementById('principale');"
            " m.scrollTop = Math.min(900, m.scrollHeight - m.clientHeight); return m.scrollTop; })()")
        if not scrolled:
            fail("the pages of g06 cannot be scrolled")
        loaded = devtools.evaluate("document.body.dataset.caricata")
        first_page = devtools.evaluate("document.querySelector('#pagine figure').dataset.id")
        path = os.path.join(content, G06)
        text = open(path, encoding="utf-8").read()
        if OLD_TITLE not in text:
            fail("g06 has no line %r to change" % OLD_TITLE)
        start = time.time()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(OLD_TITLE, NEW_TITLE, 1))
        wait_for(devtools, "document.querySelector('#obiettivi').textContent"
                           ".includes('(prova dal vivo)')", "the new title in the list", 30)
        wait_for(devtools, "document.querySelector('#pagine figure').dataset.id !== %s"
                 % json.dumps(first_page), "the first page of g06 to be laid out again", 30)
        wait_for(devtools, "document.querySelector('#pagine img').complete", "the new image", 30)
        elapsed = time.time() - start
        if devtools.evaluate("document.body.dataset.caricata") != loaded:
            fail("the page was reloaded")
        after = devtools.evaluate("document.getElementById('principale').scrollTop")
        if abs(after - scrolled) > 2:
            fail("the update moved the reading position from %s to %s" % (scrolled, after))
        # Zoom: the pages grow and ask for sharper images.
        width = devtools.evaluate("document.querySelector('#pagine figure').offsetWidth")
        devtools.evaluate("document.getElementById('ingrandisci').click()")
        devtools.evaluate("document.getElementById('ingrandisci').click()")
        wider = devtools.evaluate("document.querySelector('#pagine figure').offsetWidth")
        if not wider > width:
            fail("zooming in did not enlarge the pages (%s -> %s)" % (width, wider))
        print("browser check: the change is on the page after %.2f s, without a reload, "
              "at the same reading position; zoom works" % elapsed)

        # 4. On a network address every request but the page needs this run's token:
        # the page's script sends it (objective list, an objective's state, its images).
        network = subprocess.Popen(
            [piao, "serve", "--porta", "0", "--indirizzo", "0.0.0.0", "--contenuti", content],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            printed = network.stdout.readline().strip()
            if not printed.startswith("http://127.0.0.1:"):
                fail("piao serve --indirizzo 0.0.0.0 printed %r" % printed)
            try:
                urllib.request.urlopen(printed + "api/stato?sel=tutto", timeout=300).read()
                fail("a request without the token was answered on a network address")
            except urllib.error.HTTPError as e:
                if e.code != 403:
                    fail("a request without the token got %d, not 403" % e.code)
            devtools.call("Page.navigate", url=printed + "#/obiettivo/g13-variante-pgt")
            wait_for(devtools, "location.port === %s" % json.dumps(printed.rsplit(":", 1)[1].strip("/")),
                     "the page on the network address")
            wait_for(devtools, "document.querySelectorAll('#obiettivi a:not(.modifica)').length === 16",
                     "the list of objectives (network address)", 300)
            wait_for(devtools, "document.querySelectorAll('#pagine figure').length > 0",
                     "the pages of g13 (network address)", 300)
            wait_for(devtools, "(() => { const i = document.querySelector('#pagine img');"
                               " return i.complete && i.naturalWidth > 0; })()",
                     "the first image of g13, fetched with the token", 60)
            status = devtools.call("Runtime.evaluate", expression="fetch('/api/stato').then(r => r.status)",
                                   awaitPromise=True, returnByValue=True)["result"]["value"]
            if status != 403:
                fail("a fetch without the token got %s, not 403" % status)
            print("browser check: on 0.0.0.0 the page sends its token (list, pages, images); "
                  "a request without it gets 403")
        finally:
            network.kill()
            network.wait()
    finally:
        for p in (browser, server):
            if p is not None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
