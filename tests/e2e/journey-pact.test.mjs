// The participation pact's whole life (issue 6, acceptance 3): an organization sends
// its expression of interest, opens the pact from its secret link, accepts it online;
// the office countersigns it in the register; the organization withdraws by its
// written declaration. After each step the register shows the state. The pact page's
// forms are used with the keyboard; the expression itself goes through the JSON API
// (the form's own journey is journey-apply).
//
// Then the office asks for every pact as one ZIP, and watches the progress page
// refresh itself (no JavaScript needed) until the archive is ready to download.
//
// The office account is created with `concerto user add` on the server's database,
// as in journey-office: the test needs CONCERTO_E2E_DATABASE_URL, which run.sh sets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASE_URL, createAccount } from './lib/accounts.mjs';
import { launch, url, seriousViolations, formatViolations, tabTo, pressAndLoad, focused, describeFocus, confirmByKeyboard,
} from './lib/browser.mjs';

const EMAIL = 'patti@esempio.invalid';
const PASSWORD = 'patti-e2e-2026-lunga';
const SLUG = 'esempio-2026-2028';
const REGISTER = `/ufficio/processi/${SLUG}/patti`;


/** Sends an eligible organization's expression; returns the path of its secret link.
 *  Each journey registers its own organization: a registered tax code is refused. */
async function submitExpression(taxCode) {
  const process_ = await (await fetch(url(`/api/v1/processes/${SLUG}`))).json();
  const body = {
    applicant: { kind: 'organization', name: ORGANIZATION, legal_form: 'aps',
      tax_code: taxCode, legal_representative: 'Maria Rossi', address: 'Via Roma 1',
      municipality: 'Esempio', email: 'patto-e2e@example.org', founded_on: '2010-05-01' },
    participations: [{ area_id: process_.areas[0].id, representative: { name: 'Luca Verdi', email: 'luca-e2e@example.org' } }],
    privacy_accepted: true, declaration_accepted: true,
  };
  const response = await fetch(url(`/api/v1/processes/${SLUG}/expressions`), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const created = await response.json();
  assert.equal(response.status, 201, JSON.stringify(created));
  return new URL(created.manage_url).pathname;
}

async function assertClean(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** Focuses the input `id` with Tab, then types `text`. */
async function typeInto(page, id, text) {
  await tabTo(page, (f) => f.id === id, `the input #${id}`);
  await page.keyboard.type(text);
}

const ORGANIZATION = 'Associazione Patto E2E APS';

/** This journey's row of the register: other journeys' pacts may be listed before it. */
function registerRow(office) {
  return office.locator('tbody tr', { hasText: ORGANIZATION });
}

async function registerState(office) {
  await office.goto(url(REGISTER));
  return registerRow(office).locator('[data-state]').getAttribute('data-state');
}

/** Signs the office in with the keyboard, landing on the register. */
async function signIn(office) {
  await office.goto(url(`/accedi?next=${REGISTER}`));
  await typeInto(office, 'login-email', EMAIL);
  await office.keyboard.press('Tab');
  await office.keyboard.type(PASSWORD);
  await pressAndLoad(office);
  assert.equal(new URL(office.url()).pathname, REGISTER);
}

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'esempio', name: 'Patti E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

test('journey: a pact is accepted online, countersigned, then withdrawn', async (t) => {
  if (!DATABASE_URL) { t.skip('CONCERTO_E2E_DATABASE_URL is not set: run through run.sh'); return; }
  const manage = await submitExpression('01234567897');
  const org = await chromium.newPage({ locale: 'it' });
  const office = await chromium.newPage({ locale: 'it' });
  try {
    // The office signs in and finds the pact generated.
    await signIn(office);
    assert.equal(await registerState(office), 'generated');
    await assertClean(office, REGISTER);

    // The organization opens the pact from its secret link, with the keyboard.
    assert.equal((await org.goto(url(manage))).status(), 200);
    await tabTo(org, (f) => f.href === `${manage}/patto`, 'the link to the pact');
    let response = await pressAndLoad(org);
    assert.equal(response.status(), 200);
    assert.match(await org.locator('#pact-state').innerText(), /Da firmare/);
    await assertClean(org, 'the pact page');

    // Submitting without the box ticked names the box and keeps the name typed.
    await typeInto(org, 'accept-signer', 'Maria Rossi');
    response = await pressAndLoad(org);
    assert.equal(response.status(), 422);
    assert.ok(await org.locator('a[href="#accept-confirm"]').count(), 'the error summary names the box');
    assert.equal(await org.locator('#accept-signer').inputValue(), 'Maria Rossi');
    await tabTo(org, (f) => f.id === 'accept-confirm', 'the acceptance box');
    await org.keyboard.press('Space');
    const button = await tabTo(org, (f) => f.tag === 'button' && f.text === 'Accetta il patto', 'the accept button');
    assert.ok(button, describeFocus(await focused(org)));
    response = await pressAndLoad(org);
    assert.equal(response.status(), 200);
    assert.match(await org.locator('#pact-state').innerText(), /Firmato/);
    assert.equal(await registerState(office), 'signed');

    // The office countersigns from the register.
    await office.goto(url(REGISTER));
    const protocol = (await registerRow(office).locator('th').innerText()).trim();
    await tabTo(office, (f) => f.tag === 'button' && f.text.startsWith('Controfirma') && f.text.includes(protocol),
      `the countersign button of ${protocol}`);
    await pressAndLoad(office);
    await confirmByKeyboard(office);
    assert.equal(await registerState(office), 'countersigned');

    // The organization withdraws by its written declaration.
    await org.reload();
    assert.match(await org.locator('#pact-state').innerText(), /Controfirmato/);
    await typeInto(org, 'withdraw-declarant', 'Maria Rossi');
    await typeInto(org, 'withdraw-capacity', 'legale rappresentante');
    await tabTo(org, (f) => f.id === 'withdraw-confirm', 'the withdrawal box');
    await org.keyboard.press('Space');
    await tabTo(org, (f) => f.tag === 'button' && f.text === 'Dichiara il recesso', 'the withdrawal button');
    response = await pressAndLoad(org);
    assert.equal(response.status(), 200);
    assert.match(await org.locator('#pact-state').innerText(), /Recesso/);
    assert.equal(await registerState(office), 'withdrawn');
  } finally {
    await org.close();
    await office.close();
  }
});

test('journey: the office gets every pact as one ZIP, with its progress shown', async (t) => {
  if (!DATABASE_URL) { t.skip('CONCERTO_E2E_DATABASE_URL is not set: run through run.sh'); return; }
  // The register holds at least this journey's pact, whatever ran before.
  await submitExpression('62096654280');
  const office = await chromium.newPage({ locale: 'it' });
  try {
    await signIn(office);
    await tabTo(office, (f) => f.tag === 'button' && f.text === 'Scarica tutti i patti in un archivio ZIP', 'the archive button');
    const response = await pressAndLoad(office);
    assert.equal(response.status(), 200);
    assert.match(new URL(office.url()).pathname, /^\/ufficio\/processi\/[^/]+\/archivi\/\d+$/);
    await assertClean(office, 'the archive progress page');
    // Asked to, the page reloads itself every two seconds until the archive is ready.
    // The page stays as it was served until asked: the link is there while it was pending.
    if (await office.locator('#archive-auto').count() > 0) {
      await tabTo(office, (f) => f.tag === 'a' && f.text === 'Aggiorna la pagina da sola ogni due secondi', 'the automatic refresh link');
      await pressAndLoad(office);
    }
    await office.locator('#archive-status[data-state="done"]').waitFor({ timeout: 60_000 });
    assert.match(await office.locator('#archive-status').innerText(), /\d+ di \d+ documenti/);
    await assertClean(office, 'the finished archive page');
    const zip = await office.request.get(url(await office.locator('#archive-download').getAttribute('href')));
    assert.equal(zip.status(), 200);
    assert.equal(zip.headers()['content-type'], 'application/zip');
    assert.equal((await zip.body()).subarray(0, 2).toString('latin1'), 'PK');
  } finally {
    await office.close();
  }
});
