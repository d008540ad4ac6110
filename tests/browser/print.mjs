// The yearly report printed to PDF by headless Chromium, as "Print → Save as PDF" would:
//
//   node tests/browser/print.mjs --dvk target/debug/dvk [--site .] [--out target/screenshots]
//
// Builds the sample site, opens /nam/<year>/bao-cao/ of the year with the most models, prints it
// with Page.printToPDF (the page's own @page size: A4), saves --out/report-<year>.pdf and checks
// it with poppler's pdfinfo and pdftotext: A4 pages; as many pages as sections at least (each
// section starts a page) and not absurdly more; each section's heading at the top of a page; the
// title, the totals sentence, every exemplary and replicated model's title, the tables' numbers;
// none of the site's navigation, footer, print hint or download links.
// Prints "SKIP: …" and exits 0 when Chromium or poppler-utils is missing; exits 1 on failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, findChromium, sleep } from './lib.mjs';
import { arg, buildSite, checker } from './readers-lib.mjs';

const dvk = path.resolve(arg('--dvk', 'target/debug/dvk'));
const siteSrc = path.resolve(arg('--site', '.'));
const outDir = path.resolve(arg('--out', 'target/screenshots'));

const chromium = findChromium();
if (!chromium) {
  console.log('SKIP: report print test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)');
  process.exit(0);
}
if (spawnSync('pdftotext', ['-v']).error || spawnSync('pdfinfo', ['-v']).error) {
  console.log('SKIP: report print test: pdftotext/pdfinfo missing (apt-get install -y poppler-utils)');
  process.exit(0);
}

const PREFIX = '/danvan/';
const { tmp, out } = buildSite(dvk, siteSrc, `http://127.0.0.1${PREFIX}`, 'print');
const c = checker();
const years = fs.readdirSync(path.join(out, 'nam')).filter((y) => /^\d{4}$/.test(y));
const count = (y) => (fs.readFileSync(path.join(out, 'nam', y, 'bao-cao', 'index.html'), 'utf8').match(/<tr>/g) || []).length;
const year = years.sort((a, b) => count(b) - count(a) || b.localeCompare(a))[0];
const srv = await serve(out, { prefix: PREFIX });
const { page, close } = await launch(chromium);
const norm = (s) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

try {
  await page.goto(`${srv.origin}${PREFIX}nam/${year}/bao-cao/`);
  await sleep(50);
  console.log(`report ${PREFIX}nam/${year}/bao-cao/`);
  // What the page says, to look for in the PDF.
  const want = await page.eval(`(() => {
    const txt = (e) => e ? e.textContent.replace(/\\s+/g, ' ').trim() : '';
    return {
      title: txt(document.querySelector('h1')),
      head: txt(document.querySelector('.doc-head')),
      lead: txt(document.querySelector('.report .lead')),
      sections: [...document.querySelectorAll('.report-section > h2')].map(txt),
      exemplary: [...document.querySelectorAll('#r-dien-hinh ~ .report-list h3')].map(txt),
      replicated: [...document.querySelectorAll('section[aria-labelledby=r-nhan-rong] tbody th')].map(txt),
      totals: [...document.querySelectorAll('.report tfoot td')].map(txt),
      hidden: [txt(document.querySelector('.site-nav li')), txt(document.querySelector('.footer-title + p')), txt(document.querySelector('.report-head .no-print')),
        txt(document.querySelector('.chart-csv a')), txt(document.querySelector('.crumbs li'))].filter(Boolean),
    };
  })()`);
  c.check(want.sections.length >= 4 && want.exemplary.length > 0, `the report has ${want.sections.length} sections and ${want.exemplary.length} exemplary models`, want);

  await page.send('Emulation.setEmulatedMedia', { media: 'print' });
  const printed = await page.eval(`['.site-header', '.site-footer', '.crumbs', '.skip', '.no-print', '.chart-csv']
    .filter((s) => document.querySelector(s)).map((s) => [s, getComputedStyle(document.querySelector(s)).display])`);
  c.check(printed.every(([, d]) => d === 'none'), 'print style hides the header, navigation, breadcrumbs, footer, hint and CSV links', printed);
  await page.send('Emulation.setEmulatedMedia', { media: '' });

  const { data } = await page.send('Page.printToPDF', { preferCSSPageSize: true, printBackground: false });
  const pdf = path.join(outDir, `report-${year}.pdf`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(pdf, Buffer.from(data, 'base64'));
  console.log(`  saved ${pdf}`);

  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
  const pages = Number((info.match(/^Pages:\s+(\d+)/m) || [])[1]);
  const size = (info.match(/^Page size:\s+(.*)$/m) || [])[1] || '';
  const [pw, ph] = (size.match(/^([\d.]+) x ([\d.]+) pts/) || []).slice(1).map(Number);
  c.check(Math.abs(pw - 595.3) < 2 && Math.abs(ph - 841.9) < 2, `pages are A4 portrait (${size})`, size);
  const bound = want.sections.length * 3;
  c.check(pages >= want.sections.length && pages <= bound, `${pages} pages: at least one per section (${want.sections.length}), at most ${bound}`, pages);

  const text = (i, layout) => spawnSync('pdftotext', ['-f', String(i), '-l', String(i), ...(layout ? ['-layout'] : []), pdf, '-'], { encoding: 'utf8' }).stdout.normalize('NFC');
  const pageText = [], rawText = [];
  for (let i = 1; i <= pages; i++) { pageText.push(text(i, true)); rawText.push(text(i, false)); }
  // Table cells that wrap interleave in layout mode: look in both extractions.
  const all = norm(pageText.join('\n')) + ' | ' + norm(rawText.join('\n'));
  for (const h of want.sections) {
    const at = rawText.findIndex((t) => norm(t).includes(norm(h)));
    const before = at >= 0 ? norm(rawText[at]).split(norm(h))[0].replace(/[IVX]+\.\s*$/, '').trim() : null;
    // Nothing above a section's heading on its page (on the first page: only the report's head:
    // the document heading of the official layout, then the title).
    const headLen = norm(want.head).length + norm(want.title).length;
    const clean = before !== null && (before === '' || (at === 0 && norm(want.title).length > 0 && before.toUpperCase().includes('BÁO CÁO') && before.length < headLen + 40));
    c.check(clean, `section "${h}" starts page ${at + 1}`, { page: at + 1, before });
  }
  c.check(all.includes(norm(want.title).toUpperCase()) || all.includes(norm(want.title)), 'the PDF has the title', want.title);
  c.check(all.includes(norm(want.lead)), 'the PDF has the totals sentence', want.lead);
  // pdftotext drops a hyphen that ends a line (it takes it for a word break): compare without dashes.
  const loose = (x) => norm(x.replace(/[-–]/g, ' '));
  const missing = [...want.exemplary, ...want.replicated].filter((t) => !loose(all).includes(loose(t)));
  c.check(missing.length === 0, `the PDF names every exemplary (${want.exemplary.length}) and replicated (${want.replicated.length}) model`, missing);
  const nums = want.totals.filter((n) => !all.includes(n));
  c.check(want.totals.length > 0 && nums.length === 0, `the PDF has the tables' totals (${want.totals.join(', ')})`, nums);
  const leaked = want.hidden.filter((h) => all.includes(norm(h)));
  c.check(leaked.length === 0, 'no navigation, footer, print hint or download link in the PDF', leaked);
} catch (e) {
  c.fail('unexpected error', e);
} finally {
  await close();
  await srv.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${c.passes} passed, ${c.failures} failed`);
process.exit(c.failures ? 1 : 0);
