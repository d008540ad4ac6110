// Browser test of `dvk serve` in real headless Chromium: live reload, the error overlay and
// the recovery, under the server's Content-Security-Policy (script-src 'self').
//
//   node tests/browser/serve.mjs --dvk target/debug/dvk [--site .]
//
// Copies the sample site (content/ and themes/ of --site) into a temp folder, starts
// `dvk serve` on a free loopback port, opens a model page, then edits the model's file:
// the tab must reload by itself and show the edit; breaks the front matter: the overlay
// must appear with the terminal's `path:line:col: error: message` line and the Vietnamese
// strings of the theme, over the last good page; fixes it: the overlay must go and the fix
// must show. Exits 0 when every check passes; prints "SKIP: …" and exits 0 when no Chromium
// is installed; exits 1 on failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { launch, findChromium, waitFor, sleep } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const dvk = path.resolve(arg('--dvk', 'target/debug/dvk'));
const siteSrc = path.resolve(arg('--site', '.'));

const chromium = findChromium();
if (!chromium) {
  console.log('SKIP: browser serve test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)');
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvk-serve-test-'));
fs.cpSync(path.join(siteSrc, 'content'), path.join(tmp, 'content'), { recursive: true });
fs.cpSync(path.join(siteSrc, 'themes'), path.join(tmp, 'themes'), { recursive: true });
const rel = 'content/models/2024/kiem-thu-serve/mo-hinh-thu.md';
const file = path.join(tmp, rel);
fs.mkdirSync(path.dirname(file), { recursive: true });
const MODEL = `---
title: "Mô hình thử tải lại trang"
year: 2024
province: "Bến Tre"
district: "Châu Thành"
field: "Kinh tế"
host: "Hội Nông dân xã"
slug: "mo-hinh-thu-tai-lai"
---

Đoạn mở đầu BANDAU của mô hình.
`;
fs.writeFileSync(file, MODEL);

let failures = 0, passes = 0;
function check(cond, what, detail) {
  if (cond) { passes++; console.log(`  ok  ${what}`); }
  else { failures++; console.log(`  FAIL ${what}${detail !== undefined ? '\n       ' + JSON.stringify(detail).slice(0, 800) : ''}`); }
}

const server = spawn(dvk, ['serve', tmp, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
const terminal = [];
const url = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: server.stdout });
  rl.on('line', (l) => { terminal.push(l); const m = l.match(/http:\/\/[0-9.:]+\//); if (m) resolve(m[0]); });
  readline.createInterface({ input: server.stderr }).on('line', (l) => terminal.push(l));
  server.on('exit', (c) => reject(new Error(`dvk serve exited (${c}): ${terminal.join('\n')}`)));
  setTimeout(() => reject(new Error('dvk serve did not start')), 30000);
});

const { page, close } = await launch(chromium);
const cspViolations = [], exceptions = [];
page.on((m) => {
  if (m.method === 'Runtime.exceptionThrown') exceptions.push(m.params.exceptionDetails?.exception?.description || m.params.exceptionDetails?.text);
  if (m.method === 'Log.entryAdded' && /Content Security Policy/i.test(m.params.entry?.text || '')) cspViolations.push(m.params.entry.text);
  if (m.method === 'Runtime.consoleAPICalled' && m.params.type === 'error') exceptions.push(JSON.stringify(m.params.args));
});
await page.send('Log.enable');

try {
  const pageUrl = `${url}mo-hinh/mo-hinh-thu-tai-lai/`;
  await page.goto(pageUrl);
  check(await page.eval(`document.body.innerText.includes('BANDAU')`), 'the model page is served');
  check(await page.eval(`!!document.querySelector('script[src^="/__dvk/reload.js"]')`), 'the reload script is loaded from its own URL');
  await waitFor(page, `!!window.__dvkReload`, 5000);
  check(true, 'the reload script runs under script-src \'self\'');

  // 1. Live reload: the tab reloads by itself (the mark set on the old document is gone).
  await page.eval(`window.__beforeReload = 1`);
  const t0 = Date.now();
  fs.writeFileSync(file, MODEL.replace('BANDAU', 'DASUA'));
  await waitFor(page, `document.body && document.body.innerText.includes('DASUA')`, 10000);
  check(await page.eval(`window.__beforeReload === undefined`), `the tab reloaded by itself (${Date.now() - t0} ms after the save)`);

  // 2. Break the front matter: the overlay shows the terminal's line over the last good page.
  await page.eval(`window.__beforeBreak = 1`);
  fs.writeFileSync(file, MODEL.replace('year: 2024', 'year: hai nghìn').replace('BANDAU', 'HONG'));
  await waitFor(page, `!!document.getElementById('dvk-overlay')`, 10000);
  const overlay = await page.eval(`document.getElementById('dvk-overlay').innerText`);
  check(overlay.includes(`${rel}:3:`) && (overlay.includes(': error: ') || overlay.includes(': lỗi: ')), 'the overlay shows path:line:col: error: message', overlay);
  check(overlay.includes('Nội dung đang có lỗi'), 'the overlay title is the theme\'s Vietnamese string', overlay);
  check(overlay.includes('Có 1 lỗi cần sửa'), 'the overlay counts the errors in Vietnamese', overlay);
  const termLine = terminal.find((l) => l.includes(`${rel}:3:`));
  check(termLine && overlay.includes(termLine), 'the overlay line is the terminal line', { termLine, overlay });
  check(await page.eval(`document.body.innerText.includes('DASUA') && !document.body.innerText.includes('HONG')`), 'the last good page stays underneath');
  check(await page.eval(`document.getElementById('dvk-overlay').getAttribute('role') === 'alertdialog' && document.activeElement && document.activeElement.tagName === 'BUTTON'`), 'the overlay is an alert dialog with its button focused');
  const fixed = await waitFor(page, `getComputedStyle(document.getElementById('dvk-overlay')).position === 'fixed'`, 5000).catch(() => false);
  check(fixed, 'the overlay stylesheet (/__dvk/overlay.css) applies');
  await page.send('Page.captureScreenshot', { format: 'png' }).then((r) => {
    if (process.env.DVK_SCREENSHOT) fs.writeFileSync(process.env.DVK_SCREENSHOT, Buffer.from(r.data, 'base64'));
  });

  // 3. Fix it: the overlay goes and the fix shows.
  fs.writeFileSync(file, MODEL.replace('BANDAU', 'DASUALAI'));
  await waitFor(page, `document.body && document.body.innerText.includes('DASUALAI') && !document.getElementById('dvk-overlay')`, 10000);
  check(true, 'fixing the file clears the overlay and shows the fix');

  // 4. An edit of another model does not reload this tab.
  await page.eval(`window.__stay = 1`);
  const other = fs.readdirSync(path.join(tmp, 'content/models/2023'), { recursive: true }).find((f) => f.endsWith('.md'));
  const otherPath = path.join(tmp, 'content/models/2023', other);
  fs.appendFileSync(otherPath, '\nMột dòng thêm.\n');
  await sleep(1500);
  check(await page.eval(`window.__stay === 1`), 'an unrelated text edit leaves this tab alone');

  check(cspViolations.length === 0, 'no Content-Security-Policy violation', cspViolations);
  check(exceptions.length === 0, 'no script error', exceptions);
} catch (e) {
  failures++;
  console.log(`  FAIL ${e.message}`);
} finally {
  await close();
  server.kill('SIGINT');
  await new Promise((r) => server.on('exit', r));
  check(server.exitCode === 0, 'Ctrl-C stops the server cleanly', server.exitCode);
  check(!fs.existsSync(path.join(tmp, 'public')), 'serve wrote no public/');
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
