// axe-core on every public page, in Italian and in English: no violation of impact
// serious or critical is allowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, closePage, publicPagesInBothLocales, visit, seriousViolations, formatViolations } from './lib/browser.mjs';

const pages = await publicPagesInBothLocales();
let chromium;

before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

for (const { target, locale, status } of pages) {
  test(`a11y: ${target} (${locale}) has no serious or critical axe violations`, async () => {
    // CSP is bypassed in this context only so that axe can be injected.
    const page = await chromium.newPage({ locale, bypassCSP: true });
    try {
      await visit(page, target, status);
      assert.equal(await page.getAttribute('html', 'lang'), locale, `${target}: <html lang> should be ${locale}`);
      const violations = await seriousViolations(page);
      assert.equal(violations.length, 0, formatViolations(`${target} (${locale})`, violations));
    } finally {
      await closePage(page);
    }
  });
}
