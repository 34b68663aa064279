// A full session's waiting list (issue 19), on esempio-2026-2028: the office gives a
// table session 2 seats; three organizations register a representative each through
// their management links, and the third waits; the first cancels; the third is told
// by e-mail (read at the SMTP sink), opens the link and confirms; the office sees 2
// confirmed and nobody waiting. Every page of it is checked with axe in Italian and
// in English, with the spreadsheet upload of the monitoring board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASE_URL, createAccount } from './lib/accounts.mjs';
import { launch, url, withLang, seriousViolations, formatViolations, pressAndLoad } from './lib/browser.mjs';
import { waitForMail } from './lib/mail.mjs';

const EMAIL = 'posti@esempio.invalid';
const PASSWORD = 'posti-e2e-2026-lunga';
const SLUG = 'esempio-2026-2028';
const OFFICE = `/ufficio/processi/${SLUG}`;
const RUN = Date.now().toString(36);

/** A valid 11-digit Italian tax code for `n`: ten digits and the Luhn check digit. */
function entityCode(n) {
  const body = String(n).padStart(10, '0').slice(-10);
  let sum = 0;
  [...body].forEach((c, i) => {
    const d = Number(c);
    sum += i % 2 === 0 ? d : (d * 2 > 9 ? d * 2 - 9 : d * 2);
  });
  return body + String((10 - (sum % 10)) % 10);
}

const ORGS = [0, 1, 2].map((i) => ({
  name: `Associazione ${i + 1} ${RUN}`,
  tax: entityCode((Date.now() + 13 * (i + 1)) % 1e9),
  email: `org${i}.${RUN}@esempio.invalid`,
  rep: `Rappresentante ${i + 1}`,
  repEmail: `rep${i}.${RUN}@esempio.invalid`,
}));

async function register(org, area) {
  const response = await fetch(url(`/api/v1/processes/${SLUG}/expressions`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      applicant: { kind: 'organization', name: org.name, legal_form: 'odv', tax_code: org.tax, legal_representative: 'Maria Rossi',
        address: 'Via Roma 1', municipality: 'Esempio', email: org.email, pec: null, phone: null, founded_on: '2010-05-01' },
      participations: [{ area_id: String(area), representative: { name: org.rep, email: org.repEmail, phone: null } }],
      proposal: null, privacy_accepted: true, declaration_accepted: true,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return new URL(body.manage_url).pathname;
}

/** axe on the page as it is, then on the same address in English, then back. */
async function assertAccessibleBoth(t, page, label) {
  const here = new URL(page.url());
  const path = here.pathname + here.search;
  await t.test(`${label} (it): no serious axe violations`, async () => {
    const v = await seriousViolations(page);
    assert.equal(v.length, 0, formatViolations(`${label} (it)`, v));
  });
  await page.goto(url(withLang(path, 'en')));
  await t.test(`${label} (en): no serious axe violations`, async () => {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const v = await seriousViolations(page);
    assert.equal(v.length, 0, formatViolations(`${label} (en)`, v));
  });
  await page.goto(url(withLang(path, 'it')));
}

async function press(page, selector) {
  await page.focus(selector);
  return pressAndLoad(page);
}

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'esempio', name: 'Posti E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

test('journey: capacity 2, the third waits, the first cancels, the third confirms', async (t) => {
  if (!DATABASE_URL) { t.skip('CONCERTO_E2E_DATABASE_URL is not set: run through run.sh'); return; }
  const detail = await (await fetch(url(`/api/v1/processes/${SLUG}`))).json();
  const area = detail.areas[0].id;
  const session = detail.sessions.find((s) => s.kind === 'table' && s.date && s.area_ids.includes(area));
  assert.ok(session, 'a dated table session on the first area');
  const manage = [];
  for (const org of ORGS) manage.push(await register(org, area));

  const page = await chromium.newPage({ locale: 'it' });
  try {
    await page.goto(url('/accedi?next=/ufficio'));
    await page.focus('input[name="email"]');
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, '/ufficio');

    // The office limits the session to 2 seats.
    const meeting = `${OFFICE}/sessioni/${session.id}/incontro`;
    await page.goto(url(meeting));
    await page.fill('#f-capacity', '2');
    let response = await press(page, 'form[action$="/incontro"] button[type="submit"]');
    assert.equal(response.status(), 200);
    await assertAccessibleBoth(t, page, 'meeting page');

    // Three registrations: the third waits.
    const posts = [];
    for (const [i, path] of manage.entries()) {
      const mine = await chromium.newPage({ locale: 'it' });
      await mine.goto(url(`${path}/sessioni`));
      response = await press(mine, `#sessione-${session.id} form:has(input[name="action"][value="register"]) button`);
      assert.equal(response.status(), 200);
      const state = await mine.locator(`#sessione-${session.id} [data-rep="${ORGS[i].repEmail}"]`).getAttribute('data-seat');
      posts.push(state);
      if (i === 2) await assertAccessibleBoth(t, mine, 'participant sessions page');
      await mine.close();
    }
    assert.deepEqual(posts, ['confirmed', 'confirmed', 'waiting']);

    // The first cancels.
    const first = await chromium.newPage({ locale: 'it' });
    await first.goto(url(`${manage[0]}/sessioni`));
    response = await press(first, `#sessione-${session.id} form:has(input[name="action"][value="cancel"]) button`);
    assert.equal(response.status(), 200);
    await first.close();

    // The third is told, and confirms through the link of the e-mail.
    const offer = await waitForMail((m) => m.rcpt_tos.some((r) => r.includes(ORGS[2].repEmail)) && /Posto disponibile/.test(m.subject));
    const body = offer.body.replace(/=\r?\n/g, '');
    const link = body.match(/https?:\/\/\S+\/posti\/[0-9a-f]{48}/);
    assert.ok(link, `the offer carries its link: ${body}`);
    const third = await chromium.newPage({ locale: 'it' });
    await third.goto(url(new URL(link[0]).pathname));
    await assertAccessibleBoth(t, third, 'seat offer page');
    response = await press(third, 'form[action^="/posti/"] button');
    assert.equal(response.status(), 200);
    assert.ok(await third.locator('#seat-confirmed').isVisible(), 'the seat is confirmed');
    await third.close();

    await page.goto(url(meeting));
    assert.equal(await page.locator('[data-count="confirmed"]').innerText(), '2');
    assert.equal(await page.locator('[data-count="waiting"]').innerText(), '0');
    await assertAccessibleBoth(t, page, 'meeting page with seats');

    await page.goto(url(`${OFFICE}/monitoraggio/foglio`));
    await assertAccessibleBoth(t, page, 'progress spreadsheet page');
  } finally {
    await page.close();
  }
});
