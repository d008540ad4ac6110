// Search benchmark in headless Chromium: dvk's /tim-kiem/ versus Pagefind's default UI on the
// same built pages, in the same run, on a local static server.
//
//   node bench/search/bench.mjs --site PUBLIC_DIR [--gzip] [--runs 5] [--json out.json]
//
// PUBLIC_DIR is a `dvk build` output; when PUBLIC_DIR/pagefind/ exists (made by
// `pagefind_extended --site PUBLIC_DIR …`, see run.sh) Pagefind is measured too, from a minimal
// page PUBLIC_DIR/pagefind-bench/ that this script writes (PagefindUI with its defaults).
//
// For every query (typed without diacritics, as on a phone without a Vietnamese keyboard):
// - bytes: a fresh page with the HTTP cache disabled; the query is typed in one input event;
//   the bytes the server sent (status line, headers and body, gzip-compressed when --gzip and
//   the type is text, as nginx's gzip_types would) for every request from navigation until the
//   results are on screen (+250 ms for stragglers), counted at the server so that requests
//   from web workers (Pagefind) count too. Split into the page HTML and everything else.
//   Also measured typing key by key, 120 ms apart.
// - latency: on a loaded page, the query minus its last character is typed and its results
//   awaited; then the last character is typed (CDP Input.insertText) and the time from the
//   input event to the next animation frame after the results are in the DOM is taken
//   (performance.now() in the page). Median over queries × runs.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, findChromium, sleep } from '../../tests/browser/lib.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const site = path.resolve(arg('--site'));
const gzip = args.includes('--gzip');
const runs = Number(arg('--runs', 3));
const jsonOut = arg('--json');
const only = arg('--only');
const QUERIES = (arg('--queries') || [
  'dan van kheo', 'heo dat', 'giao thong nong thon', 'xay dung dang', 'cai cach hanh chinh',
  'ho ngheo', 'hien dat', 'an ninh trat tu', 'dich vu cong truc tuyen', 'phu nu',
].join(',')).split(',');

const chromium = findChromium();
if (!chromium) { console.error('no Chromium (apt-get install -y chromium)'); process.exit(2); }

const tools = [];
if (only !== 'pagefind') tools.push({
  name: 'dvk', url: '/tim-kiem/',
  ready: `['idle', 'done'].includes(document.getElementById('search')?.dataset.state)`,
  input: '#search-q',
  done: (q) => `(() => { const r = document.getElementById('search');
    return r.dataset.state === 'done' && r.dataset.query === ${JSON.stringify(q)} ? Number(r.dataset.count) : -1; })()`,
});
if (only !== 'dvk' && fs.existsSync(path.join(site, 'pagefind', 'pagefind-ui.js'))) {
  const dir = path.join(site, 'pagefind-bench');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Pagefind</title><link href="/pagefind/pagefind-ui.css" rel="stylesheet">
<script src="/pagefind/pagefind-ui.js"></script></head><body><div id="search"></div>
<script src="init.js"></script></body></html>`);
  fs.writeFileSync(path.join(dir, 'init.js'), `window.pf = new PagefindUI({ element: '#search', showSubResults: false, showImages: false });`);
  tools.push({
    name: 'pagefind', url: '/pagefind-bench/',
    ready: `!!document.querySelector('.pagefind-ui__search-input')`,
    input: '.pagefind-ui__search-input',
    // Results are shown when the message names the query and every result has its title.
    // (Not the "Đang tìm kiếm cho …..." message shown while it searches.)
    done: (q) => `(() => { const m = document.querySelector('.pagefind-ui__message');
      if (!m || !m.textContent.includes(${JSON.stringify(q)}) || m.textContent.trim().endsWith('...')) return -1;
      const rs = [...document.querySelectorAll('.pagefind-ui__result')];
      if (rs.some((r) => !r.querySelector('.pagefind-ui__result-link') || !r.querySelector('.pagefind-ui__result-link').textContent.trim())) return -1;
      const n = m.textContent.match(/[0-9][0-9.,]*/); return n ? Number(n[0].replace(/[.,]/g, '')) : rs.length; })()`,
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };

async function waitIn(page, expr, timeout = 20000) {
  const t = Date.now();
  for (;;) {
    const v = await page.eval(expr);
    if (v !== -1 && v !== false && v !== null && v !== undefined) return v;
    if (Date.now() - t > timeout) throw new Error('timeout: ' + expr.slice(0, 200));
    await sleep(5);
  }
}

async function typeInto(page, tool, text) {
  await page.eval(`(() => { const i = document.querySelector(${JSON.stringify(tool.input)}); i.focus(); i.select(); })()`);
  await page.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
  await page.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
  if (text) await page.send('Input.insertText', { text });
}

async function measureBytes(browser, tool, srv, q, keys = false) {
  const { page } = browser, origin = srv.origin;
  await page.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto('about:blank');
  await sleep(100);
  srv.stats.bytes = 0;
  srv.stats.log = [];
  await page.goto(origin + tool.url);
  await waitIn(page, tool.ready);
  if (keys) {
    // Key by key, 120 ms apart (a fast typist on a phone).
    await typeInto(page, tool, '');
    for (const ch of Array.from(q)) { await page.send('Input.insertText', { text: ch }); await sleep(120); }
  } else {
    await typeInto(page, tool, q);
  }
  const n = await waitIn(page, tool.done(q));
  await sleep(250);
  const list = srv.stats.log.slice();
  await page.send('Network.setCacheDisabled', { cacheDisabled: false });
  const html = list.filter(([u]) => u === tool.url).reduce((s, [, b]) => s + b, 0);
  const total = list.reduce((s, [, b]) => s + b, 0);
  return { q, results: n, total, html, rest: total - html, requests: list.length, files: list };
}

async function measureLatency(page, tool, q) {
  await typeInto(page, tool, q.slice(0, -1));
  if (q.length > 1) await waitIn(page, tool.done(q.slice(0, -1)));
  await page.eval(`(() => {
    window.__t0 = 0;
    document.addEventListener('input', () => { if (!window.__t0) window.__t0 = performance.now(); }, { capture: true, once: true });
    // Compiled with this script (not by eval in the page, which the pages' CSP forbids).
    const check = () => (${tool.done(q)});
    window.__lat = new Promise((resolve) => {
      const test = () => { if (check() !== -1) { obs.disconnect(); requestAnimationFrame(() => resolve(performance.now() - window.__t0)); return true; } return false; };
      const obs = new MutationObserver(test);
      obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  })()`);
  await page.send('Input.insertText', { text: q.slice(-1) });
  return page.eval('window.__lat');
}

const srv = await serve(site, { prefix: '/', gzip, csp: null });
const report = { site, gzip, runs, date: new Date().toISOString(), tools: {} };
try {
  for (const tool of tools) {
    const bytes = [], lat = [], typed = [];
    for (let r = 0; r < runs; r++) {
      const browser = await launch(chromium);
      await browser.page.send('Network.enable');
      try {
        for (const q of QUERIES) bytes.push(await measureBytes(browser, tool, srv, q));
        if (r === 0) for (const q of QUERIES) typed.push(await measureBytes(browser, tool, srv, q, true));
        await browser.page.goto(srv.origin + tool.url);
        await waitIn(browser.page, tool.ready);
        for (const q of QUERIES) lat.push({ q, ms: await measureLatency(browser.page, tool, q) });
      } finally {
        await browser.close();
      }
    }
    const byQuery = QUERIES.map((q) => {
      const b = bytes.filter((x) => x.q === q), l = lat.filter((x) => x.q === q).map((x) => x.ms);
      return { q, results: b[0].results, total: median(b.map((x) => x.total)), html: median(b.map((x) => x.html)),
        rest: median(b.map((x) => x.rest)), requests: median(b.map((x) => x.requests)), ms: median(l) };
    });
    report.tools[tool.name] = {
      median_total_bytes: median(byQuery.map((x) => x.total)), max_total_bytes: Math.max(...byQuery.map((x) => x.total)),
      median_search_bytes: median(byQuery.map((x) => x.rest)), max_search_bytes: Math.max(...byQuery.map((x) => x.rest)),
      html_bytes: median(byQuery.map((x) => x.html)),
      median_ms: median(lat.map((x) => x.ms)), p90_ms: [...lat.map((x) => x.ms)].sort((a, b) => a - b)[Math.floor(lat.length * 0.9)],
      typed_median_search_bytes: median(typed.map((x) => x.rest)), typed_max_search_bytes: Math.max(...typed.map((x) => x.rest)),
      by_query: byQuery, sample_files: bytes[0].files,
    };
    const t = report.tools[tool.name];
    console.log(`${tool.name}: bytes to first results median ${t.median_total_bytes} (max ${t.max_total_bytes}); page HTML ${t.html_bytes}; ` +
      `script+index median ${t.median_search_bytes} (max ${t.max_search_bytes}); typed key by key: script+index median ${t.typed_median_search_bytes} (max ${t.typed_max_search_bytes}); ` +
      `keystroke→results median ${t.median_ms.toFixed(1)} ms (p90 ${t.p90_ms.toFixed(1)})`);
    for (const x of byQuery) console.log(`  ${x.q.padEnd(26)} ${String(x.results).padStart(5)} hits  ${String(x.total).padStart(8)} B (html ${x.html}, rest ${x.rest}, ${x.requests} req)  ${x.ms.toFixed(1)} ms`);
  }
} finally {
  await srv.close();
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(report, null, 2));
