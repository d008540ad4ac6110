// Helpers of the readers' tests (a11y.mjs, print.mjs): build the sample site, pick one page of
// each type, a check/report counter, viewport and screenshot helpers. Uses lib.mjs for the
// static server and the DevTools protocol client.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const here = path.dirname(new URL(import.meta.url).pathname);

/** Command-line `--name value` (or the default). */
export function arg(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

/** Copies content/ and themes/ of `siteSrc` to a temp folder and builds it with `dvk build`
    under `baseUrl`. Returns { tmp, out } or exits 1 when the build fails. */
export function buildSite(dvk, siteSrc, baseUrl, tag) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dvk-${tag}-`));
  fs.cpSync(path.join(siteSrc, 'content'), path.join(tmp, 'content'), { recursive: true });
  fs.cpSync(path.join(siteSrc, 'themes'), path.join(tmp, 'themes'), { recursive: true });
  const out = path.join(tmp, 'public');
  const build = spawnSync(dvk, ['build', tmp, '-o', out, '--quiet', '--base-url', baseUrl], { encoding: 'utf8' });
  if (build.status !== 0) {
    console.error(`dvk build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    process.exit(1);
  }
  return { tmp, out };
}

/** Counts passes and failures and prints each check. */
export function checker() {
  const c = { passes: 0, failures: 0 };
  c.check = (cond, what, detail) => {
    if (cond) { c.passes++; console.log(`  ok  ${what}`); }
    else {
      c.failures++;
      const d = detail === undefined ? '' : '\n       ' + (typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1)).slice(0, 3000).replace(/\n/g, '\n       ');
      console.log(`  FAIL ${what}${d}`);
    }
    return cond;
  };
  c.fail = (what, e) => { c.failures++; console.log(`  FAIL ${what}: ${e && e.stack ? e.stack : e}`); };
  return c;
}

const sizeOf = (f) => { try { return fs.statSync(f).size; } catch { return -1; } };
const exists = (f) => sizeOf(f) >= 0;

/** One page of each type of the built site `out`, as [{ type, path }] (paths under the prefix,
    without it). The busiest page of a type is chosen, so limits are tried on the heaviest. */
export function pageTypes(out) {
  const dirs = (rel) => { try { return fs.readdirSync(path.join(out, rel), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'trang').map((d) => d.name); } catch { return []; } };
  const biggest = (cands) => cands.filter((p) => exists(path.join(out, p, 'index.html')))
    .sort((a, b) => sizeOf(path.join(out, b, 'index.html')) - sizeOf(path.join(out, a, 'index.html')) || a.localeCompare(b))[0];
  const years = dirs('nam').filter((y) => /^\d{4}$/.test(y));
  const provinces = dirs('dia-ban');
  const districts = provinces.flatMap((p) => dirs(`dia-ban/${p}`).map((d) => `dia-ban/${p}/${d}/`));
  // A model with photos and results: the biggest page.
  const models = dirs('mo-hinh').map((m) => `mo-hinh/${m}/`);
  const articles = dirs('tin-tuc').map((a) => `tin-tuc/${a}/`);
  const skip = new Set(['mo-hinh', 'nam', 'dia-ban', 'linh-vuc', 'dien-hinh', 'thong-ke', 'tim-kiem', 'tin-tuc', 'du-lieu', 'trang']);
  const plain = dirs('').filter((d) => !skip.has(d)).map((d) => `${d}/`);
  const list = [
    ['home', ''],
    ['model', biggest(models)],
    ['year', biggest(years.map((y) => `nam/${y}/`))],
    ['year-page-2', [...years.map((y) => `nam/${y}/trang/2/`)].find((p) => exists(path.join(out, p, 'index.html')))],
    ['places', 'dia-ban/'],
    ['province', biggest(provinces.map((p) => `dia-ban/${p}/`))],
    ['district', biggest(districts)],
    ['field', biggest(dirs('linh-vuc').map((f) => `linh-vuc/${f}/`))],
    ['exemplary', 'dien-hinh/'],
    ['statistics', 'thong-ke/'],
    ['report', biggest(years.map((y) => `nam/${y}/bao-cao/`))],
    ['search', 'tim-kiem/'],
    ['articles', 'tin-tuc/'],
    ['article', biggest(articles)],
    ['page', biggest(plain)],
    ['404', '404.html'],
  ];
  return list.filter(([, p]) => p !== undefined && (p.endsWith('.html') ? exists(path.join(out, p)) : exists(path.join(out, p, 'index.html'))))
    .map(([type, p]) => ({ type, path: p }));
}

/** Sets the viewport (CSS px) of the page; `mobile` emulates a phone (touch, meta viewport). */
export async function viewport(page, width, height, mobile = false) {
  await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  await page.send('Emulation.setTouchEmulationEnabled', { enabled: mobile });
}

/** Saves a full-page PNG screenshot of the current page at the viewport width `width`: the
    viewport is stretched to the page's height for the shot, then put back to `height`. The
    stretched shot is taken in desktop mode: in phone mode Chromium's text autosizing would
    enlarge text in a viewport that tall, which no phone shows. */
export async function screenshot(page, file, width, height, mobile = false) {
  await page.eval(`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);
    const st = document.createElement('style'); st.id = 'dvk-shot'; st.textContent = 'html{scrollbar-width:none}'; document.head.append(st); true`);
  const full = () => page.eval('Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))');
  // Twice: the height at the new metrics can differ from the first measure.
  for (let i = 0; i < 2; i++) {
    await page.send('Emulation.setDeviceMetricsOverride', { width, height: Math.min(await full(), 16000), deviceScaleFactor: 1, mobile: false });
    await new Promise((r) => setTimeout(r, 100));
  }
  const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
  await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  await page.eval(`document.getElementById('dvk-shot').remove(); true`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(data, 'base64'));
}

/** Presses a key (Tab, Enter, …) with optional modifiers (8 = Shift). */
export async function press(page, key, modifiers = 0) {
  const codes = { Tab: 9, Enter: 13, Escape: 27 };
  const k = { key, code: key, windowsVirtualKeyCode: codes[key], nativeVirtualKeyCode: codes[key], modifiers };
  await page.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...k });
  if (key === 'Enter') await page.send('Input.dispatchKeyEvent', { type: 'char', text: '\r', ...k });
  await page.send('Input.dispatchKeyEvent', { type: 'keyUp', ...k });
}
