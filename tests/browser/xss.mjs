// Cross-site scripting test in real headless Chromium.
//
//   node tests/browser/xss.mjs --out DIR [--prefix /] [--queries "xss,script,…"]
//
// DIR is a built site whose content holds XSS vectors in every field a reader sees (built by
// tests/reliability_xss.rs). The site is served on 127.0.0.1 WITHOUT a Content-Security-Policy
// header, so that the pages' own <meta> policy is what the browser enforces. Before any page
// script runs, a trap (Page.addScriptToEvaluateOnNewDocument, in every frame) replaces
// alert/confirm/prompt/print and defines xss(), which every vector calls; it also records CSP
// violations. Then it opens every HTML page, types the queries into the search page (so
// results, places and excerpts made from the vectors are drawn), and scans each DOM for
// injected script-capable elements, event-handler attributes and javascript: URLs.
// Finally it proves the CSP works: a copy of a page with an inline <script> added must not run.
//
// Prints one JSON line `RESULT {...}` and exits 0 when nothing ran and nothing was injected,
// 1 otherwise; prints "SKIP: …" and exits 0 when no Chromium is installed.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, findChromium, waitFor, sleep } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const out = path.resolve(arg('--out', 'public'));
const prefix = arg('--prefix', '/');
const queries = arg('--queries', 'xss,script,onerror,img,alert,javascript,svg,iframe,onload').split(',');

const chromium = findChromium();
if (!chromium) {
  console.log('SKIP: XSS browser test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)');
  process.exit(0);
}

const TRAP = `(() => {
  const calls = [], violations = [];
  const record = (kind) => function (...a) { calls.push(kind + '(' + a.map(String).join(',') + ') in ' + location.href); };
  for (const name of ['xss', 'alert', 'confirm', 'prompt', 'print']) {
    Object.defineProperty(window, name, { value: record(name), writable: false, configurable: false });
  }
  Object.defineProperty(window, '__xssCalls', { value: calls });
  Object.defineProperty(window, '__cspViolations', { value: violations });
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
})();`;

// Elements and attributes that must not come from content. The search page's own form
// controls and script are allowed; everything else is reported.
const SCAN = `(() => {
  const bad = [];
  const searchRoot = document.getElementById('search');
  const own = (el) => searchRoot && searchRoot.contains(el);
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcset', 'cite'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const where = tag + (el.id ? '#' + el.id : '') + ' ' + el.outerHTML.slice(0, 120);
    if (tag === 'script') {
      const ok = el.src && new URL(el.src).pathname.includes('/tim-kiem/search.') && new URL(el.src).pathname.endsWith('.js') && !el.textContent.trim();
      if (!ok) bad.push('script element: ' + where);
    }
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal', 'base', 'style', 'template', 'math', 'textarea'].includes(tag)) bad.push('element: ' + where);
    if (['form', 'input', 'button', 'select', 'option'].includes(tag) && !own(el)) bad.push('form control from content: ' + where);
    if (tag === 'meta' && el.httpEquiv && el.httpEquiv.toLowerCase() !== 'content-security-policy') bad.push('meta http-equiv: ' + where);
    if (tag === 'link' && el.closest('body')) bad.push('link in body: ' + where);
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) bad.push('event handler ' + n + ': ' + where);
      if (n === 'style' || n === 'srcdoc' || n === 'formaction') bad.push('attribute ' + n + ': ' + where);
      if (urlAttrs.includes(n)) {
        const v = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript|livescript):/.test(v)) bad.push('script URL in ' + n + ': ' + where);
        if (v.startsWith('data:') && !(tag === 'img' && /^data:image\\/(png|jpeg|gif|webp|avif)/.test(v))) bad.push('data URL in ' + n + ': ' + where);
      }
    }
  }
  return bad;
})()`;

const result = { pages: 0, queries: 0, results_drawn: 0, calls: [], violations: [], injected: [], exceptions: [], csp_meta_missing: [], csp_probe: null };
const srv = await serve(out, { prefix, csp: null });
const { page, close } = await launch(chromium);
page.on((m) => {
  if (m.method === 'Runtime.exceptionThrown') result.exceptions.push(m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text);
});
await page.send('Page.addScriptToEvaluateOnNewDocument', { source: TRAP });

async function inspect(label) {
  await sleep(60); // onerror/onload/onfocus handlers fire after load
  const r = await page.eval(`({ calls: window.__xssCalls.slice(), violations: window.__cspViolations.slice(), injected: ${SCAN},
    csp: [...document.querySelectorAll('meta[http-equiv]')].filter((m) => m.httpEquiv.toLowerCase() === 'content-security-policy').map((m) => m.content) })`);
  for (const c of r.calls) result.calls.push(`${label}: ${c}`);
  for (const v of r.violations) result.violations.push(`${label}: ${v}`);
  for (const i of r.injected) result.injected.push(`${label}: ${i}`);
  return r;
}

function htmlFiles(dir) {
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) found.push(p);
  }
  return found.sort();
}

try {
  // 1. Every page.
  for (const file of htmlFiles(out)) {
    const rel = path.relative(out, file).split(path.sep).join('/');
    const url = `${srv.origin}${prefix}${rel.replace(/(^|\/)index\.html$/, '$1')}`;
    await page.goto(url);
    const r = await inspect(rel);
    if (r.csp.length !== 1) result.csp_meta_missing.push(rel);
    result.pages++;
  }

  // 2. The search page: results, places and excerpts drawn from the vectors.
  await page.goto(`${srv.origin}${prefix}tim-kiem/`);
  await waitFor(page, `['idle', 'done'].includes(document.getElementById('search').dataset.state)`);
  for (const q of queries) {
    await page.eval(`(() => { const i = document.getElementById('search-q'); i.focus(); i.select(); })()`);
    await page.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
    await page.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
    await page.send('Input.insertText', { text: q });
    await waitFor(page, `(() => { const r = document.getElementById('search'); return r.dataset.state === 'done' && r.dataset.query === ${JSON.stringify(q)}; })()`);
    result.results_drawn += await page.eval(`document.querySelectorAll('#search-results > li').length`);
    await inspect(`search "${q}"`);
    result.queries++;
  }
  // A hostile query in the address bar.
  const hostileQuery = '<img src=x onerror=xss("query")>"><script>xss("query2")</script>';
  await page.goto(`${srv.origin}${prefix}tim-kiem/?q=${encodeURIComponent(hostileQuery)}`);
  await sleep(300);
  await inspect('search ?q=');

  // 3. The policy works: the same page with an inline script added must not run it.
  const probeDir = path.join(out, '__csp_probe__');
  fs.mkdirSync(probeDir, { recursive: true });
  const home = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  fs.writeFileSync(path.join(probeDir, 'index.html'),
    home.replace('</head>', '<script>xss("inline script ran despite the CSP")</script></head>')
      .replace('<main', '<img src="/nonexistent.png" onerror="xss(\'handler ran despite the CSP\')"><main'));
  await page.goto(`${srv.origin}${prefix}__csp_probe__/`);
  await sleep(150);
  const probe = await page.eval(`({ calls: window.__xssCalls.slice(), violations: window.__cspViolations.slice() })`);
  result.csp_probe = { ran: probe.calls, blocked: probe.violations.length };

  // 4. Controls, so that a silent trap or scan cannot pass for safety: without the policy,
  //    the same injected page must trip the trap and the scan.
  fs.writeFileSync(path.join(probeDir, 'index.html'),
    home.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</head>', '<script>xss("control")</script></head>')
      .replace('<main', '<img src="/nonexistent.png" onerror="xss(\'control handler\')"><main'));
  await page.goto(`${srv.origin}${prefix}__csp_probe__/`);
  await sleep(150);
  const control = await page.eval(`({ calls: window.__xssCalls.slice(), injected: ${SCAN} })`);
  fs.rmSync(probeDir, { recursive: true, force: true });
  result.control = { calls: control.calls.length, injected: control.injected.length };
} finally {
  await close();
  await srv.close();
}

const ok = result.pages > 0 && result.queries === queries.length && result.results_drawn > 0 && !result.calls.length &&
  !result.violations.length && !result.injected.length && !result.csp_meta_missing.length &&
  result.csp_probe && result.csp_probe.ran.length === 0 && result.csp_probe.blocked >= 2 &&
  result.control && result.control.calls >= 2 && result.control.injected >= 2;
console.log('RESULT ' + JSON.stringify(result));
process.exit(ok ? 0 : 1);
