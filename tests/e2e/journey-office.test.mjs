// The office publishes a process, with the keyboard alone: an editor of the Ambito
// "esempio" signs in from the header's "Ufficio di Piano", sees only its Ambito's
// processes, puts its process back to draft (the public page disappears) and
// publishes it again (the public page and the home page's link come back).
//
// The account is created with `concerto user add` on the server's own database, so
// the test needs CONCERTO_E2E_DATABASE_URL, which run.sh sets when it starts the
// server; against an external CONCERTO_URL it is skipped unless that is set too.
// It changes the status of a process for a moment: run.sh runs the files one at a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, closePage, url, BASE_URL, seriousViolations, formatViolations,
  focused, describeFocus, tabTo, pressAndLoad, confirmByKeyboard,
} from './lib/browser.mjs';
import { DATABASE_URL, SKIP_REASON, createAccount } from './lib/accounts.mjs';

const EMAIL = 'editor@esempio.invalid';
const PASSWORD = 'tastiera-e2e-2026';
const SLUG = 'esempio-2026-2028';
const OTHER_AMBITO_SLUG = 'casarano-2022-2024';
const PUBLIC = `/processi/${SLUG}`;
const WORKSPACE = `/ufficio/processi/${SLUG}`;

/** The public status of a path, asked by Node (not by the signed-in browser). */
async function publicStatus(path) {
  const response = await fetch(url(path), { redirect: 'manual', headers: { 'accept-language': 'it-IT' } });
  await response.arrayBuffer();
  return response.status;
}

async function homeLinksTo(path) {
  const response = await fetch(url('/'), { headers: { 'accept-language': 'it-IT' } });
  assert.equal(response.status, 200, `GET / answered ${response.status}`);
  return (await response.text()).includes(`href="${path}"`);
}

async function assertNoSeriousViolations(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** The button of the status form whose label is `label`. */
const isButton = (label) => (f) => f.tag === 'button' && f.text === label;

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'esempio', name: 'Redazione E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

test('journey: the office signs in and publishes a process with the keyboard alone', async (t) => {
  if (!DATABASE_URL) { t.skip(SKIP_REASON); return; }
  assert.equal(await publicStatus(PUBLIC), 200, `${PUBLIC} should be public before the test`);

  const page = await chromium.newPage({ locale: 'it' });
  let unpublished = false;
  try {
    // 1. From the home page, "Ufficio di Piano" in the header leads to the login form.
    assert.equal((await page.goto(url('/'))).status(), 200);
    await tabTo(page, (f) => f.href === '/ufficio' && f.text === 'Ufficio di Piano', 'the header link "Ufficio di Piano"');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('header nav')), '"Ufficio di Piano" is not in the header\'s navigation');
    let response = await pressAndLoad(page);
    let here = new URL(page.url());
    assert.equal(`${here.pathname}${here.search}`, '/accedi?next=/ufficio',
      `signed out, /ufficio led to ${here.pathname}${here.search}, not /accedi?next=/ufficio`);
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('input[type="hidden"][name="next"]').getAttribute('value'), '/ufficio');
    await t.test('/accedi: no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, '/accedi');
    });

    // 2. E-mail, Tab, password, Enter.
    await tabTo(page, (f) => f.name === 'email', 'the e-mail field of the login form');
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    const password = await focused(page);
    assert.equal(password.name, 'password', `Tab after the e-mail went to ${describeFocus(password)}, not the password`);
    await page.keyboard.type(PASSWORD);
    response = await pressAndLoad(page);
    here = new URL(page.url());
    assert.equal(here.pathname, '/ufficio', `after signing in the browser is on ${here.pathname}${here.search} (HTTP ${response.status()})`);
    assert.equal(response.status(), 200);

    // 3. The dashboard lists the Ambito's own process and nobody else's.
    const links = await page.locator('main a[href^="/ufficio/processi/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes(WORKSPACE), `/ufficio does not list ${SLUG}; it links to ${JSON.stringify(links)}`);
    assert.ok(!links.some((h) => h.includes(OTHER_AMBITO_SLUG)), `/ufficio lists ${OTHER_AMBITO_SLUG}, a process of another Ambito`);
    assert.ok(!(await page.content()).includes(OTHER_AMBITO_SLUG), `/ufficio mentions ${OTHER_AMBITO_SLUG}`);

    await t.test('/ufficio: no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, '/ufficio');
    });
    await t.test('the session cookie is HttpOnly and SameSite=Lax', async () => {
      const cookies = await page.context().cookies(BASE_URL);
      const session = cookies.find((c) => c.name === 'concerto_session');
      assert.ok(session, `no concerto_session cookie; cookies: ${cookies.map((c) => c.name).join(', ')}`);
      assert.equal(session.httpOnly, true, 'concerto_session is not HttpOnly');
      assert.equal(session.sameSite, 'Lax', `concerto_session is SameSite=${session.sameSite}`);
    });

    // 4. The process's workspace: counts per area.
    await tabTo(page, (f) => f.href === WORKSPACE, `the link to ${WORKSPACE}`);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, WORKSPACE);
    const perArea = await page.locator('section[aria-labelledby="per-area-heading"] li').allInnerTexts();
    const form = await (await fetch(url(`${PUBLIC}/manifestazione`))).text();
    const areas = (form.match(/name="area"/g) ?? []).length;
    assert.ok(areas > 0, 'the public form lists no area');
    assert.equal(perArea.length, areas, `the workspace counts ${perArea.length} areas, the process has ${areas}: ${JSON.stringify(perArea)}`);
    for (const line of perArea) assert.match(line.trim(), /\S.*\s\d+$/, `the area line "${line}" ends with no count`);
    assert.match((await page.locator('dl.facts strong').first().innerText()).trim(), /^\d+$/, 'no total of expressions');
    await t.test(`${WORKSPACE}: no serious or critical axe violations`, async () => {
      await assertNoSeriousViolations(page, WORKSPACE);
    });

    // 5. "Riporta in bozza": the public page is gone, and so is the home page's link.
    await tabTo(page, isButton('Riporta in bozza'), 'the button "Riporta in bozza"');
    unpublished = true;
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, WORKSPACE, 'the status change did not come back to the workspace');
    assert.equal(await publicStatus(PUBLIC), 404, `${PUBLIC} is still public while in draft`);
    assert.equal(await homeLinksTo(PUBLIC), false, `the home page still links to ${PUBLIC} while in draft`);

    // 6. "Pubblica": public again, and listed on the home page.
    await tabTo(page, isButton('Pubblica'), 'the button "Pubblica"');
    response = await pressAndLoad(page);
    response = await confirmByKeyboard(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, WORKSPACE);
    assert.equal(await publicStatus(PUBLIC), 200, `${PUBLIC} is not public after "Pubblica"`);
    unpublished = false;
    assert.equal(await homeLinksTo(PUBLIC), true, `the home page does not list ${PUBLIC} after "Pubblica"`);
  } finally {
    // Whatever failed, leave the process public for the other tests.
    if (unpublished && await publicStatus(PUBLIC) !== 200) {
      await page.request.post(url(`${WORKSPACE}/stato`), { form: { status: 'published' }, headers: { origin: BASE_URL } })
        .catch(() => {});
    }
    await closePage(page);
  }
});
