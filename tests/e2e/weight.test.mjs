// Page weight and pages without JavaScript. For each public page, in both locales:
// - the bytes transferred for the document and its CSS and JavaScript (headers and
//   encoded bodies, images excluded) stay under 100 KB, in a fresh context, so with
//   no cache;
// - with JavaScript disabled the page still renders, with its <h1> visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, closePage, publicPagesInBothLocales, visit } from './lib/browser.mjs';

const BUDGET = 100 * 1024;
const COUNTED = new Set(['document', 'stylesheet', 'script']);

const pages = await publicPagesInBothLocales();
let chromium;

before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

for (const { target, locale, status } of pages) {
  test(`weight: ${target} (${locale}) transfers under 100 KB of HTML, CSS and JS`, async (t) => {
    const page = await chromium.newPage({ locale });
    const sizes = [];
    const failed = [];
    page.on('requestfinished', (request) => {
      if (!COUNTED.has(request.resourceType())) return;
      sizes.push(request.sizes().then((s) => ({
        url: request.url(),
        type: request.resourceType(),
        bytes: s.responseHeadersSize + s.responseBodySize,
      })));
    });
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    try {
      await visit(page, target, status);
      await page.waitForLoadState('networkidle');
      const resources = await Promise.all(sizes);
      assert.deepEqual(failed, [], `${target}: requests failed`);
      assert.ok(resources.some((r) => r.type === 'document'), `${target}: the document was not counted`);
      const total = resources.reduce((sum, r) => sum + r.bytes, 0);
      const detail = resources.map((r) => `  ${r.type} ${r.url} ${r.bytes} B`).join('\n');
      t.diagnostic(`${target} (${locale}): ${total} B in ${resources.map((r) => `${r.type} ${r.bytes} B`).join(', ')}`);
      assert.ok(total < BUDGET, `${target} (${locale}) transferred ${total} B, over the ${BUDGET} B budget:\n${detail}`);
    } finally {
      await closePage(page);
    }
  });

  test(`no-js: ${target} (${locale}) renders its <h1> without JavaScript`, async () => {
    const page = await chromium.newPage({ locale, javaScriptEnabled: false });
    try {
      await visit(page, target, status);
      const h1 = page.locator('h1');
      assert.equal(await h1.count(), 1, `${target}: expected exactly one <h1>`);
      assert.ok(await h1.isVisible(), `${target}: the <h1> is not visible without JavaScript`);
      const box = await h1.boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, `${target}: the <h1> has no size`);
      assert.ok(box.y < 800, `${target}: the <h1> is below the first screen (y=${box.y})`);
      assert.notEqual((await h1.innerText()).trim(), '', `${target}: the <h1> is empty`);
      // The stylesheet loaded: the page is styled, not raw HTML.
      const rules = await page.evaluate(() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0));
      assert.ok(rules > 0, `${target}: no stylesheet rules loaded without JavaScript`);
    } finally {
      await closePage(page);
    }
  });
}
