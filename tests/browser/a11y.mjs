// Readers' experience of every page type of the sample site, in real headless Chromium:
//
//   node tests/browser/a11y.mjs --dvk target/debug/dvk [--site .] [--shots target/screenshots]
//
// Builds the site (content/ and themes/ of --site) under the sub-path /danvan/, serves it on
// 127.0.0.1 gzip-compressed as a usual web server does, and for one page of each type (home,
// model, year, places, province, district, field, exemplary, statistics, report, search,
// articles, article, page, 404; the heaviest of each):
//   - axe-core at WCAG 2.1 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa) at 1280 and 360 px: 0 violations;
//   - every table has a caption and header cells; charts are labelled images with a table and a CSV;
//   - keyboard: the skip link is the first Tab stop, visible, and moves focus to the main content;
//     the next Tab stops are visible with a focus indicator; no positive tabindex;
//   - at 360×640: no horizontal scroll, every tap target at least 44×44 px (links inside a
//     sentence excepted, as WCAG 2.5.5 does), text at least 12 px;
//   - bytes: HTML+CSS transferred ≤ 25 kB for a model page (photos excluded), ≤ 40 kB for the
//     others; no web fonts; no request to another origin; no script except on the search page;
//   - a full-page screenshot at 360 and at 1280 px into --shots/<type>-<width>.png.
// Exits 0 when every check passes; prints "SKIP: …" and exits 0 when no Chromium is installed;
// exits 1 on failure. Needs `npm ci` in tests/browser (axe-core).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, findChromium, sleep } from './lib.mjs';
import { arg, here, buildSite, checker, pageTypes, viewport, screenshot, press } from './readers-lib.mjs';

const dvk = path.resolve(arg('--dvk', 'target/debug/dvk'));
const siteSrc = path.resolve(arg('--site', '.'));
const shots = path.resolve(arg('--shots', 'target/screenshots'));
const only = arg('--only', '');

const chromium = findChromium();
if (!chromium) {
  console.log('SKIP: readers test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)');
  process.exit(0);
}
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
if (!fs.existsSync(axePath)) {
  console.log(`FAIL: ${axePath} is missing: run \`npm ci\` in tests/browser first.`);
  process.exit(1);
}
const axeSource = fs.readFileSync(axePath, 'utf8');

const PREFIX = '/danvan/';
const { tmp, out } = buildSite(dvk, siteSrc, `http://127.0.0.1${PREFIX}`, 'readers');
const c = checker();
const srv = await serve(out, { prefix: PREFIX, gzip: true });
const { page, close } = await launch(chromium);

// Every request of the current navigation: url, type, bytes on the wire.
let requests = new Map();
const errors = [];
page.on((m) => {
  const p = m.params;
  if (m.method === 'Network.requestWillBeSent') requests.set(p.requestId, { url: p.request.url, type: p.type, bytes: 0, status: 0 });
  if (m.method === 'Network.responseReceived' && requests.has(p.requestId)) requests.get(p.requestId).status = p.response.status;
  if (m.method === 'Network.loadingFinished' && requests.has(p.requestId)) requests.get(p.requestId).bytes = p.encodedDataLength;
  if (m.method === 'Runtime.exceptionThrown') errors.push(p.exceptionDetails.exception?.description || p.exceptionDetails.text);
  if (m.method === 'Log.entryAdded' && p.entry.level === 'error') errors.push(p.entry.text + ' ' + (p.entry.url || ''));
});
await page.send('Network.enable');
await page.send('Network.setCacheDisabled', { cacheDisabled: true });
await page.send('Log.enable');

async function open(url) {
  requests = new Map();
  errors.length = 0;
  await page.goto(url);
  await sleep(50);
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
async function axe() {
  if (!(await page.eval('typeof window.axe === "object"'))) await page.eval(axeSource + '\n;true');
  return page.eval(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] })
    .then((r) => ({ violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 6).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) })), passes: r.passes.length }))`);
}

/** Tap targets smaller than 44×44 CSS px. A card's title link counts with the card it covers
    (its ::after). Links inside a sentence are exempt, as in WCAG 2.5.5. */
const SMALL_TARGETS = `(() => {
  const small = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const blockOf = (el) => { let b = el.parentElement; while (b && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement; return b; };
  for (const el of document.querySelectorAll(sel)) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.closest('[hidden],[aria-hidden=true]')) continue;
    // A checkbox counts with its label (clicking either toggles it).
    const box = (el.type === 'checkbox' || el.type === 'radio') && (el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]')));
    let r = (box || el).getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || r.bottom <= 0) continue;  // not rendered, or the skip link parked above the page
    const after = getComputedStyle(el, '::after');
    if (after.content !== 'none' && after.position === 'absolute') {
      let cb = el.parentElement; while (cb && getComputedStyle(cb).position === 'static') cb = cb.parentElement;
      if (cb) { const q = cb.getBoundingClientRect(); r = { width: Math.max(r.width, q.width), height: Math.max(r.height, q.height) }; }
    }
    const text = (el.textContent || '').trim();
    const block = blockOf(el);
    if (cs.display === 'inline' && block && block.textContent.trim().length > text.length + 2) continue;  // in a sentence
    if (r.width < 43.5 || r.height < 43.5) small.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' "' + text.slice(0, 40) + '" ' + Math.round(r.width) + '×' + Math.round(r.height));
  }
  return small;
})()`;

/** Whether the focused element shows a focus indicator (outline ≥ 2px or a box shadow, on it or on its ::after). */
const FOCUS_STATE = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: 'body' };
  const r = el.getBoundingClientRect();
  const vis = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
  const after = getComputedStyle(el, '::after');
  return {
    tag: el.tagName.toLowerCase(), cls: el.className || '', id: el.id || '', text: (el.textContent || '').trim().slice(0, 40),
    visible: vis(getComputedStyle(el)) || (after.content !== 'none' && vis(after)),
    inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && r.width > 0,
    inMain: !!el.closest('main'),
  };
})()`;

const rows = [];
const types = pageTypes(out).filter((t) => !only || only.split(',').includes(t.type));
const required = ['home', 'model', 'year', 'province', 'district', 'field', 'exemplary', 'statistics', 'report', 'search', 'articles', 'article', 'page', '404'];
c.check(required.every((r) => types.some((t) => t.type === r)) || only, 'the sample site has a page of every type', types.map((t) => t.type));

try {
  for (const { type, path: rel } of types) {
    const url = srv.origin + PREFIX + rel;
    console.log(`\n${type}: ${PREFIX}${rel}`);

    // ---- desktop ----
    await viewport(page, 1280, 800);
    await open(url);
    const status = [...requests.values()].find((r) => r.type === 'Document')?.status;
    c.check(status === 200, `${type}: served`, status);
    const a = await axe();
    c.check(a.violations.length === 0, `${type}: axe-core WCAG 2.1 AA at 1280 px: 0 violations (${a.passes} rules pass)`, a.violations);

    // Bytes and requests.
    const reqs = [...requests.values()];
    const html = reqs.filter((r) => r.type === 'Document').reduce((s, r) => s + r.bytes, 0);
    const css = reqs.filter((r) => r.type === 'Stylesheet').reduce((s, r) => s + r.bytes, 0);
    const file = path.join(out, rel.endsWith('.html') ? rel : path.join(rel, 'index.html'));
    const rawHtml = fs.statSync(file).size;
    const cssFiles = await page.eval(`[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname)`);
    const rawCss = cssFiles.reduce((s, p) => s + fs.statSync(path.join(out, decodeURIComponent(p).slice(PREFIX.length))).size, 0);
    const budget = type === 'model' ? 25000 : 40000;
    rows.push({ type, rel, html, css, rawHtml, rawCss, gz: zlib.gzipSync(fs.readFileSync(file)).length });
    c.check(html + css > 0 && html + css <= budget, `${type}: HTML+CSS transferred ${((html + css) / 1000).toFixed(1)} kB ≤ ${budget / 1000} kB (uncompressed ${((rawHtml + rawCss) / 1000).toFixed(1)} kB)`, { html, css });
    const foreign = reqs.filter((r) => !r.url.startsWith(srv.origin) && !r.url.startsWith('data:'));
    c.check(foreign.length === 0, `${type}: no third-party request`, foreign.map((r) => r.url));
    const fonts = reqs.filter((r) => r.type === 'Font');
    c.check(fonts.length === 0 && (await page.eval('document.fonts.size')) === 0, `${type}: no web fonts`, fonts.map((r) => r.url));
    const scripts = reqs.filter((r) => r.type === 'Script').map((r) => r.url);
    c.check(type === 'search' || scripts.length === 0, `${type}: ${type === 'search' ? 'scripts allowed on the search page' : 'no JavaScript'}`, scripts);
    const failed = reqs.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.url}`);
    c.check(failed.length === 0 && errors.length === 0, `${type}: no failed request, no console error`, [...failed, ...errors]);

    // Structure: tables, charts, images.
    // Tables the theme draws need a caption; a Markdown table in a write-up has no way to give one.
    const tables = await page.eval(`[...document.querySelectorAll('table')].filter((t) => !t.querySelector('th') || (!t.querySelector('caption') && !t.closest('.prose')))
      .map((t) => t.outerHTML.slice(0, 120))`);
    c.check(tables.length === 0, `${type}: every table has header cells, and a caption unless it is in the write-up's Markdown`, tables);
    const charts = await page.eval(`[...document.querySelectorAll('svg.chart')].map((s) => {
      const ids = (s.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
      const fig = s.closest('.chart-block');
      return { id: s.id, role: s.getAttribute('role'), labelled: ids.length >= 2 && ids.every((i) => { const e = document.getElementById(i); return e && s.contains(e) && e.textContent.trim().length > 0; }),
        title: s.querySelector('title')?.textContent, table: !!(fig && fig.querySelector('table caption')), csv: !!(fig && fig.querySelector('a[href$=".csv"]')) };
    })`);
    if (charts.length) {
      const bad = charts.filter((x) => x.role !== 'img' || !x.labelled || !x.table || !x.csv);
      c.check(bad.length === 0, `${type}: ${charts.length} chart(s), each role="img" labelled by its <title> and <desc>, with a table and a CSV link`, bad);
      const csvs = await page.eval(`Promise.all([...document.querySelectorAll('.chart-block a[href$=".csv"]')].map((a) => fetch(a.href).then((r) => [a.getAttribute('href'), r.status, r.headers.get('content-type')])))`);
      c.check(csvs.every(([, s]) => s === 200), `${type}: every chart's CSV downloads`, csvs);
    }
    const noAlt = await page.eval(`[...document.querySelectorAll('img')].filter((i) => !i.hasAttribute('alt')).map((i) => i.src)`);
    c.check(noAlt.length === 0, `${type}: every image has an alt attribute`, noAlt);

    // ---- keyboard ----
    await page.eval('window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); true');
    await press(page, 'Tab');
    const first = await page.eval(FOCUS_STATE);
    c.check(first.cls === 'skip' && first.visible && first.inView, `${type}: the first Tab stop is the skip link, on screen, with a visible focus`, first);
    await press(page, 'Enter');
    await sleep(30);
    const afterSkip = await page.eval(`({ hash: location.hash, id: document.activeElement && document.activeElement.id })`);
    c.check(afterSkip.hash === '#noi-dung' && afterSkip.id === 'noi-dung', `${type}: Enter on the skip link moves focus to the main content`, afterSkip);
    const stops = [];
    for (let i = 0; i < 8; i++) {
      await press(page, 'Tab');
      const s = await page.eval(FOCUS_STATE);
      if (s.tag === 'body') break;
      stops.push(s);
    }
    c.check(stops.length > 0 && stops.every((s) => s.visible && s.inView), `${type}: the next ${stops.length} Tab stops are on screen with a visible focus indicator`, stops.filter((s) => !s.visible || !s.inView));
    const mainFocusable = await page.eval(`!!document.querySelector('main a[href], main button, main input, main select, main [tabindex="0"]')`);
    c.check(stops.length === 0 || stops[0].inMain || !mainFocusable, `${type}: after the skip link, Tab continues inside the main content`, stops[0]);
    const positive = await page.eval(`[...document.querySelectorAll('[tabindex]')].filter((e) => e.tabIndex > 0).length`);
    c.check(positive === 0, `${type}: no positive tabindex (Tab follows the reading order)`, positive);
    await screenshot(page, path.join(shots, `${type}-1280.png`), 1280, 800);

    // ---- phone ----
    await viewport(page, 360, 640, true);
    await open(url);
    const a2 = await axe();
    c.check(a2.violations.length === 0, `${type}: axe-core WCAG 2.1 AA at 360 px: 0 violations`, a2.violations);
    // Against 360, not innerWidth: a phone widens its layout viewport to fit content that overflows.
    const scroll = await page.eval(`({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, win: innerWidth })`);
    c.check(scroll.doc <= 360 && scroll.body <= 360 && scroll.win === 360, `${type}: no horizontal scroll at 360 px`, scroll);
    const wide = await page.eval(`[...document.querySelectorAll('body *')].filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > 361 && !e.parentElement.closest('.table-wrap') && !e.closest('.sr-only'); })
      .slice(0, 5).map((e) => e.tagName + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(e.getBoundingClientRect().right))`);
    c.check(wide.length === 0, `${type}: nothing sticks out of the screen (tables scroll inside their own box)`, wide);
    const small = await page.eval(SMALL_TARGETS);
    c.check(small.length === 0, `${type}: every tap target at least 44×44 px`, small);
    const tiny = await page.eval(`(() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) { const e = n.parentElement; if (!n.textContent.trim() || !e || e.closest('.sr-only,svg')) continue;
        const s = getComputedStyle(e); if (s.display === 'none' || s.visibility === 'hidden') continue;
        if (parseFloat(s.fontSize) < 12) out.push(e.tagName + ' ' + s.fontSize + ' ' + n.textContent.trim().slice(0, 30)); } return out.slice(0, 5); })()`);
    c.check(tiny.length === 0, `${type}: no text smaller than 12 px at 360 px`, tiny);
    const chartText = await page.eval(`[...document.querySelectorAll('svg.chart text')].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)`);
    if (chartText.length) c.check(Math.min(...chartText) >= 10, `${type}: chart labels readable at 360 px (smallest ${Math.min(...chartText).toFixed(1)} px high)`);
    await screenshot(page, path.join(shots, `${type}-360.png`), 360, 640, true);
  }
} catch (e) {
  c.fail('unexpected error', e);
} finally {
  await close();
  await srv.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log('\nPage weights (kB; transferred = gzip as served, raw = files on disk):');
console.log('type          HTML+CSS sent   HTML raw  CSS raw  page');
for (const r of rows) {
  console.log(`${r.type.padEnd(13)} ${((r.html + r.css) / 1000).toFixed(1).padStart(13)} ${(r.rawHtml / 1000).toFixed(1).padStart(10)} ${(r.rawCss / 1000).toFixed(1).padStart(8)}  ${PREFIX}${r.rel}`);
}
console.log(`Screenshots: ${shots}/<type>-360.png and <type>-1280.png`);
console.log(`${c.passes} passed, ${c.failures} failed`);
process.exit(c.failures ? 1 : 0);
