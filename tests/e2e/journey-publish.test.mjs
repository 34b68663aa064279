// Publishing with the office's safety net (issue 22), on Casarano's 2022 process
// whose sessions are all past: the office puts it back to draft (a message says so),
// asks to publish it, sees the warning on a confirmation page that works without
// JavaScript, confirms, and reads the message after the save. By keyboard, axe on
// each page in both languages. The process ends published, as it began.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASE_URL, createAccount, SKIP_REASON } from './lib/accounts.mjs';
import { launch, url, withLang, seriousViolations, formatViolations, pressAndLoad } from './lib/browser.mjs';

const EMAIL = 'pubblica@casarano.invalid';
const PASSWORD = 'pubblica-e2e-2026-lunga';
const SLUG = 'casarano-2022-2024';
const WORKSPACE = `/ufficio/processi/${SLUG}`;

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'casarano', name: 'Pubblica E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

async function assertAccessible(page, label) {
  for (const lang of ['it', 'en']) {
    if (lang === 'en') {
      // The same page in English: a GET of the page itself (a confirmation page is
      // the answer to a POST, so it is checked in the language it was asked in).
      if (page.url().includes('/stato')) continue;
      await page.goto(withLang(page.url(), 'en'));
    }
    const violations = await seriousViolations(page);
    assert.equal(violations.length, 0, formatViolations(`${label} (${lang})`, violations));
  }
}

async function press(page, selector) {
  await page.focus(selector);
  return pressAndLoad(page);
}

test('journey: publishing a process whose sessions are past asks first and says what it did', async (t) => {
  if (!DATABASE_URL) { t.skip(SKIP_REASON); return; }
  // axe runs in the page, so the page keeps JavaScript; the confirmation itself is a
  // plain form posted by the browser, which the check below makes sure of.
  const page = await chromium.newPage({ locale: 'it', bypassCSP: true });
  try {
    await page.goto(url(`/accedi?next=${WORKSPACE}`));
    await page.focus('input[name="email"]');
    await page.keyboard.type(EMAIL);
    await page.focus('input[name="password"]');
    await page.keyboard.type(PASSWORD);
    let response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, WORKSPACE, `sign-in led to ${page.url()} (${response.status()})`);

    response = await press(page, 'form[action$="/stato"]:has(input[value="draft"]) button');
    assert.equal(response.status(), 200);
    assert.match(await page.locator('#flash').innerText(), /riportato in bozza/);

    response = await press(page, 'form[action$="/stato"]:has(input[value="published"]) button');
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, `${WORKSPACE}/stato`, 'a confirmation page, not a redirect');
    assert.match(await page.locator('h1').innerText(), /Pubblicare/);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'the confirmation page needs no inline script');
    assert.equal(await page.locator('form.confirm-form[method="post"]').count(), 1, 'the confirmation is a plain form');
    assert.match(await page.locator('#warnings').innerText(), /già passati/);
    await t.test('confirmation page: no serious axe violations', async () => { await assertAccessible(page, 'conferma'); });
    assert.equal((await fetch(url(`/processi/${SLUG}`))).status, 404, 'still a draft while asking');

    response = await press(page, 'form.confirm-form button[type="submit"]');
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, WORKSPACE);
    assert.match(await page.locator('#flash').innerText(), /Processo pubblicato/);
    await t.test('workspace with the message: no serious axe violations', async () => { await assertAccessible(page, WORKSPACE); });
    assert.equal((await fetch(url(`/processi/${SLUG}`))).status, 200, 'published again');
  } finally {
    await page.context().close();
  }
});
