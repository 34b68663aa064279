// The middle of the process at the tables, on esempio-2026-2028: two organizations
// register (through the JSON API, as the form has its own journey); the office sends the
// invitations, checks one representative in by the code from the invitation e-mail and
// adds a walk-in; proposals are entered at the table; the ballot is not open before
// the deadline (the participant is told, the office's "open" is refused); the office gives the outcomes (a
// refusal without motivation is refused first), publishes the summary, and the
// proposers' e-mails arrive at the SMTP sink. Typing, checkboxes and buttons by keyboard.
//
// Like journey-office, it creates its account with `concerto user add` on the server's
// database (CONCERTO_E2E_DATABASE_URL, set by run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASE_URL, createAccount } from './lib/accounts.mjs';
import { launch, url, seriousViolations, formatViolations, pressAndLoad } from './lib/browser.mjs';
import { waitForMail } from './lib/mail.mjs';

const EMAIL = 'tavoli@esempio.invalid';
const PASSWORD = 'tavoli-e2e-2026-lunga';
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

const ORGS = [
  { name: `Il Faro ODV ${RUN}`, tax: entityCode(Date.now() % 1e9), email: `faro.${RUN}@esempio.invalid`, rep: 'Luca Verdi', repEmail: `luca.${RUN}@esempio.invalid` },
  { name: `Il Ponte APS ${RUN}`, tax: entityCode((Date.now() + 7) % 1e9), email: `ponte.${RUN}@esempio.invalid`, rep: 'Sara Neri', repEmail: `sara.${RUN}@esempio.invalid` },
];


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

async function assertAccessible(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** Focuses a field and types into it, as a person at the keyboard. */
async function type(page, selector, text) {
  await page.focus(selector);
  await page.keyboard.type(text);
}

/** Focuses a button and presses Enter; returns the response of the page it loads. */
async function press(page, selector) {
  await page.focus(selector);
  return pressAndLoad(page);
}

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'esempio', name: 'Tavoli E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

test('journey: attendance, proposals, priorities and the summary at the tables', async (t) => {
  if (!DATABASE_URL) { t.skip('CONCERTO_E2E_DATABASE_URL is not set: run through run.sh'); return; }
  const detail = await (await fetch(url(`/api/v1/processes/${SLUG}`))).json();
  const area = detail.areas[0].id;
  const session = detail.sessions.find((s) => s.kind === 'table' && s.area_ids.includes(area));
  assert.ok(session, 'a table session on the first area');
  const manage = [];
  for (const org of ORGS) manage.push(await register(org, area));

  const page = await chromium.newPage({ locale: 'it' });
  try {
    // Sign in.
    await page.goto(url('/accedi?next=/ufficio'));
    await type(page, 'input[name="email"]', EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    let response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, '/ufficio', `sign-in led to ${page.url()} (${response.status()})`);

    // The session's register: invitations first, each with its code.
    const checkin = `${OFFICE}/sessioni/${session.id}/presenze`;
    await page.goto(url(checkin));
    response = await press(page, 'form[action$="/inviti"] button');
    assert.equal(response.status(), 200);
    const invitation = await waitForMail((m) => m.rcpt_tos.some((r) => r.includes(ORGS[0].repEmail)) && /codice/.test(m.subject));
    const code = invitation.subject.match(/codice ([0-9A-Z]{6})/)[1];
    assert.ok(invitation.body.includes(code), 'the invitation carries the code');
    await waitForMail((m) => m.rcpt_tos.some((r) => r.includes(ORGS[1].repEmail)) && /codice/.test(m.subject));

    // A wrong code names the field; the right one, typed as a scanner would, checks in.
    await type(page, '#f-code', 'ZZZ');
    response = await press(page, 'form[action$="/presenze/codice"] button[type="submit"]');
    assert.equal(response.status(), 422);
    assert.match(await page.locator('#error-summary').innerText(), /codice/i);
    await t.test('check-in page with an error: no serious axe violations', async () => { await assertAccessible(page, checkin); });
    await page.fill('#f-code', '');
    await type(page, '#f-code', code.toLowerCase());
    response = await press(page, 'form[action$="/presenze/codice"] button[type="submit"]');
    assert.equal(response.status(), 200);
    assert.match(await page.locator('[role="status"]').first().innerText(), new RegExp(ORGS[0].rep));

    // The other representative arrives without the code: a walk-in.
    await type(page, '#f-name', 'Sara Neri');
    await page.keyboard.press('Tab');
    await page.keyboard.type(ORGS[1].name);
    response = await press(page, 'form[action$="/presenze/ospite"] button[type="submit"]');
    assert.equal(response.status(), 200);
    const counts = await page.locator('#counts strong').allInnerTexts();
    assert.deepEqual(counts.slice(1), ['1', '1', '2'], `counts by code, walk-ins, total: ${counts}`);
    await t.test('check-in page: no serious axe violations', async () => { await assertAccessible(page, checkin); });

    // Proposals entered at the table, one per organization.
    const hub = `${OFFICE}/tavoli`;
    const titles = [`Centro diurno ${RUN}`, `Sportello unico ${RUN}`];
    for (const [i, title] of titles.entries()) {
      await page.goto(url(hub));
      await type(page, '#f-title', title);
      await type(page, '#f-text', `Proposta emersa al tavolo da ${ORGS[i].name}.`);
      await page.focus(`#f-area-${area}`);
      await page.keyboard.press('Space');
      await page.selectOption('#f-proposer', ORGS[i].tax);
      response = await press(page, 'form[action$="/proposte"] button[type="submit"]');
      assert.equal(response.status(), 200);
    }
    const ids = await page.locator('#proposals tbody tr td:first-child').allInnerTexts();
    const ours = ids.slice(-2).map(Number);
    await t.test(`${hub}: no serious axe violations`, async () => { await assertAccessible(page, hub); });

    // The ballot is not open: the office opens it at the plenary, never before the
    // sign-up deadline, which is weeks ahead in the demo (issue 22). The vote itself
    // is tested through HTTP in crates/web/tests/flows.rs with a clock that moves.
    const voter = await chromium.newPage({ locale: 'it' });
    try {
      await voter.goto(url(`${manage[0]}/tavoli`));
      assert.equal(await voter.locator('form[action$="/priorita"]').count(), 0, 'no ballot form before the vote opens');
      assert.match(await voter.locator('#ballot-not-open').innerText(), /non è ancora aperta/);
    } finally {
      await voter.close();
    }
    await page.goto(url(hub));
    response = await press(page, 'form[action$="/priorita/apertura"] button');
    assert.equal(response.status(), 409);
    assert.match(await page.locator('#f-ballot').innerText(), /prima della scadenza/);
    await t.test('the hub refusing to open the ballot: no serious axe violations', async () => { await assertAccessible(page, hub); });

    // Outcomes: "not accepted" without a motivation is refused, then given one.
    const outcome = (id) => `${OFFICE}/proposte/${id}/esito`;
    await page.goto(url(outcome(ours[1])));
    await page.focus('#f-outcome-not_accepted');
    await page.keyboard.press('Space');
    response = await press(page, 'form button[type="submit"]');
    assert.equal(response.status(), 422);
    assert.match(await page.locator('#e-motivation').innerText(), /motivazione/i);
    await t.test('outcome form with an error: no serious axe violations', async () => { await assertAccessible(page, outcome(ours[1])); });
    await type(page, '#f-motivation', 'Già finanziato dal bilancio comunale.');
    response = await press(page, 'form button[type="submit"]');
    assert.equal(response.status(), 200);
    await page.goto(url(outcome(ours[0])));
    await page.focus('#f-outcome-accepted');
    await page.keyboard.press('Space');
    response = await press(page, 'form button[type="submit"]');
    assert.equal(response.status(), 200);

    // Any proposal left without an outcome by earlier runs gets one, then the summary goes out.
    for (const id of ids.map(Number).filter((i) => !ours.includes(i))) {
      await page.goto(url(outcome(id)));
      if (await page.locator('input[name="outcome"]:checked').count()) continue;
      await page.focus('#f-outcome-accepted');
      await page.keyboard.press('Space');
      await press(page, 'form button[type="submit"]');
    }
    await page.goto(url(hub));
    if (await page.locator('form[action$="/sintesi/pubblicazione"]').count()) {
      response = await press(page, 'form[action$="/sintesi/pubblicazione"] button');
      assert.equal(response.status(), 200);
      assert.match(await page.locator('h1').innerText(), /Pubblicare il prospetto/, 'publishing asks first');
      await t.test('confirmation page: no serious axe violations', async () => { await assertAccessible(page, 'conferma sintesi'); });
      response = await press(page, 'form.confirm-form button[type="submit"]');
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, `/processi/${SLUG}/sintesi`);
      assert.match(await page.locator('#flash').innerText(), /Prospetto di sintesi pubblicato\. E-mail in partenza: \d+\./);
      const summary = await page.locator('#summary').innerText();
      assert.match(summary, new RegExp(`${titles[1]}[\\s\\S]*Non accolta[\\s\\S]*Già finanziato`));
      await t.test('the summary: no serious axe violations', async () => { await assertAccessible(page, '/sintesi'); });

      // The proposers are told.
      const refused = await waitForMail((m) => m.rcpt_tos.some((r) => r.includes(ORGS[1].email)) && /Esito/.test(m.subject));
      assert.match(refused.body, /Non accolta/);
      assert.match(refused.body, /Già finanziato/);
      const accepted = await waitForMail((m) => m.rcpt_tos.some((r) => r.includes(ORGS[0].email)) && /Esito/.test(m.subject));
      assert.match(accepted.body, /Esito:\s+Accolta/);
    } else {
      t.diagnostic('the summary was already published by an earlier run against this server');
    }
  } finally {
    await page.close();
  }
});
