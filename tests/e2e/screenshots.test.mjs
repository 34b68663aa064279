// Full-page screenshots, 1280 CSS px wide, of the home page and of a process page,
// into tests/e2e/artifacts/ (ignored by git), for people to look at; and reflow:
// at 320 CSS px (WCAG 1.4.10) no public page scrolls sideways.
//
// docs/screenshot-home.png, shown by the README, is written when it is missing or
// when CONCERTO_E2E_UPDATE_SCREENSHOT=1 (its "days left" text changes every day).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, REPO_DIR, launch, closePage, publicPages, visit, withLang } from './lib/browser.mjs';

const SHOTS = [
  { name: 'home-it', target: '/', locale: 'it', width: 1280 },
  { name: 'casarano-it', target: '/processi/casarano-2022-2024', locale: 'it', width: 1280 },
  { name: 'home-en', target: withLang('/', 'en'), locale: 'en', width: 1280 },
  { name: 'casarano-en', target: withLang('/processi/casarano-2022-2024', 'en'), locale: 'en', width: 1280 },
  { name: 'casarano-avviso-it', target: '/processi/casarano-2022-2024/avviso', locale: 'it', width: 1280 },
  { name: 'home-it-mobile', target: '/', locale: 'it', width: 375 },
  { name: 'casarano-it-mobile', target: '/processi/casarano-2022-2024', locale: 'it', width: 375 },
];
const DOCS_SHOT = join(REPO_DIR, 'docs', 'screenshot-home.png');

const pages = await publicPages();
let chromium;

before(async () => {
  chromium = await launch();
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
});
after(async () => { await chromium?.close(); });

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file) {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

for (const shot of SHOTS) {
  test(`screenshot: ${shot.name} (${shot.target}, ${shot.width} px wide)`, async () => {
    const page = await chromium.newPage({ locale: shot.locale, width: shot.width, height: 800 });
    try {
      await visit(page, shot.target, 200);
      const file = join(ARTIFACTS_DIR, `${shot.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const size = pngSize(file);
      assert.equal(size.width, shot.width, `${file}: ${size.width} px wide, the page overflows sideways`);
      assert.ok(size.height >= 400, `${file}: only ${size.height} px tall`);
      if (shot.name === 'home-it' && (!existsSync(DOCS_SHOT) || process.env.CONCERTO_E2E_UPDATE_SCREENSHOT === '1')) {
        mkdirSync(join(REPO_DIR, 'docs'), { recursive: true });
        copyFileSync(file, DOCS_SHOT);
      }
    } finally {
      await closePage(page);
    }
  });
}

for (const { path, status } of pages) {
  test(`reflow: ${path} does not scroll sideways at 320 px`, async () => {
    const page = await chromium.newPage({ locale: 'it', width: 320, height: 640 });
    try {
      await visit(page, path, status);
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        // Content inside a scroll container (the calendar table's) may be wider.
        const scrolls = (el) => {
          for (let p = el; p && p !== document.body; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
          }
          return false;
        };
        const wide = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n && wide.length < 8; n = walker.nextNode()) {
          const el = n.nodeType === Node.TEXT_NODE ? n.parentElement : n;
          if (n.nodeType === Node.TEXT_NODE && !n.textContent.trim()) continue;
          let rects;
          if (n.nodeType === Node.TEXT_NODE) {
            const range = document.createRange();
            range.selectNodeContents(n);
            rects = [...range.getClientRects()];
          } else {
            rects = [n.getBoundingClientRect()];
          }
          const right = Math.max(...rects.filter((r) => r.width > 0 && r.left > -1000).map((r) => r.right), -Infinity);
          if (right > width + 0.5 && !scrolls(el.parentElement ?? el)) {
            const what = n.nodeType === Node.TEXT_NODE ? `text "${n.textContent.trim().slice(0, 50)}" in` : 'element';
            wide.push(`${what} <${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> ends at ${right.toFixed(1)} px`);
          }
        }
        return { scrollWidth: document.documentElement.scrollWidth, width, wide };
      });
      assert.ok(overflow.scrollWidth <= overflow.width,
        `${path}: the page is ${overflow.scrollWidth} px wide in a ${overflow.width} px viewport; too wide:\n  ${overflow.wide.join('\n  ')}`);
    } finally {
      await closePage(page);
    }
  });
}
