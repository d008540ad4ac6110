// Shared helpers for the browser test and the search benchmark: a static file server and a
// tiny Chrome DevTools Protocol client over --remote-debugging-pipe (no npm packages needed).
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.jpg': 'image/jpeg', '.png': 'image/png',
  '.webp': 'image/webp', '.wasm': 'application/wasm', '.pf_meta': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream', '.pf_index': 'application/octet-stream',
  '.pf_filter': 'application/octet-stream', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};
// Types a usual web server (nginx `gzip_types`, Caddy `encode`) compresses.
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|wasm))/;

/** Serves `dir` under `prefix` (e.g. "/danvan/") on 127.0.0.1; gzip when asked and allowed.
    Every response carries a CSP that allows only same-origin scripts. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
export function serve(dir, { prefix = '/', gzip = false, csp = STRICT_CSP } = {}) {
  // Bytes sent (status line + headers + body) per request, for benchmarks; reset at will.
  const stats = { bytes: 0, log: [] };
  const server = http.createServer((req, res) => {
    let url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!url.startsWith(prefix)) { res.writeHead(404); res.end('not found'); return; }
    let file = path.join(dir, url.slice(prefix.length));
    if (!file.startsWith(path.resolve(dir))) { res.writeHead(403); res.end(); return; }
    try { if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html'); } catch { /* 404 below */ }
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      const headers = { 'content-type': type, 'cache-control': 'no-cache' };
      if (csp) headers['content-security-policy'] = csp;
      if (gzip && COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        body = zlib.gzipSync(body, { level: 6 });
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(body);
      const head = 'HTTP/1.1 200 OK\r\n'.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 0) + 60;
      stats.bytes += head + body.length;
      stats.log.push([url, head + body.length]);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, stats, port: server.address().port, origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  })));
}

export function findChromium() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

/** Starts headless Chromium and returns a CDP connection to one fresh page. */
export async function launch(executable) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dvk-chromium-'));
  const proc = spawn(executable, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--no-default-browser-check',
    '--disable-extensions', '--disable-sync', '--mute-audio', '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-10000); });
  const toBrowser = proc.stdio[3], fromBrowser = proc.stdio[4];
  let nextId = 1, buf = Buffer.alloc(0);
  const pending = new Map(), listeners = [];
  fromBrowser.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let i;
    while ((i = buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(buf.subarray(0, i).toString('utf8'));
      buf = buf.subarray(i + 1);
      if (msg.id && pending.has(msg.id)) {
        const { resolve, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`)); else resolve(msg.result);
      } else if (msg.method) {
        for (const l of listeners) l(msg);
      }
    }
  });
  const exited = new Promise((r) => proc.on('exit', r));
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  });
  const { targetId } = await Promise.race([
    send('Target.createTarget', { url: 'about:blank' }),
    exited.then(() => { throw new Error('chromium exited: ' + stderr.slice(-2000)); }),
  ]);
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = {
    send: (m, p) => send(m, p, sessionId),
    on: (fn) => { const l = (msg) => { if (msg.sessionId === sessionId) fn(msg); }; listeners.push(l); },
    /** Evaluates an expression (awaiting promises) in the page and returns its value. */
    async eval(expression) {
      const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error('page: ' + (r.exceptionDetails.exception?.description || r.exceptionDetails.text));
      return r.result.value;
    },
    async goto(url) {
      const { errorText } = await page.send('Page.navigate', { url });
      if (errorText) throw new Error(`navigate ${url}: ${errorText}`);
      const start = Date.now();
      for (;;) {
        const ok = await page.eval(`location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`).catch(() => false);
        if (ok) return;
        if (Date.now() - start > 30000) throw new Error('timed out loading ' + url);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  await page.send('Page.enable');
  await page.send('Runtime.enable');
  const close = async () => {
    try { await send('Browser.close'); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, close, send };
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Polls `expression` in the page until it is truthy (or throws after `timeout` ms). */
export async function waitFor(page, expression, timeout = 10000) {
  const start = Date.now();
  for (;;) {
    const v = await page.eval(expression);
    if (v) return v;
    if (Date.now() - start > timeout) throw new Error('timed out waiting for: ' + expression);
    await sleep(15);
  }
}
