// From an empty database to a running Ambito, in the browser (issue 16, acceptance 1).
// The journey starts a server of its own on an empty SQLite database with --no-demo,
// reads the setup address from its log and:
//   1. creates the platform administrator (e-mail, password twice, the terms);
//   2. creates "Ambito Territoriale Sociale di Bari", its municipality ticked from
//      ISTAT's list and chosen as lead from the suggestions, and uploads its logo;
//   3. invites its administrator; the invitation comes through the SMTP sink;
//   4. that person chooses a password, creates a process from the regional template,
//      sets its deadline and publishes it;
//   5. an organization sends its expression of interest through the public form; its
//      receipt's link offers an account; the e-mail check comes through the sink; the
//      representative chooses a password, signs in and finds the pact at /i-miei-patti.
// Keyboard where a person would (Tab to links, fields and buttons, typing, Space on
// boxes, Enter to submit); the public form's many fields are filled directly, as in
// journey-import (journey-apply types that form key by key). axe finds no serious or
// critical violation on any page issue 16 added.
//
// run.sh exports the binary (CONCERTO_BIN) and the SMTP sink (CONCERTO_E2E_SINK,
// CONCERTO_E2E_SMTP_URL); without them the journey is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, closePage, REPO_DIR, seriousViolations, formatViolations, tabTo, pressAndLoad, confirmByKeyboard } from './lib/browser.mjs';
import { waitForMail } from './lib/mail.mjs';
import { BINARY } from './lib/accounts.mjs';

const SMTP_URL = process.env.CONCERTO_E2E_SMTP_URL;
const SKIP = !SMTP_URL || !process.env.CONCERTO_E2E_SINK || !existsSync(BINARY);
// Unique per run: the sink is shared with the other journeys of the same run.
const RUN = Date.now().toString(36);
const ADMIN = { email: `piattaforma-${RUN}@bari.invalid`, password: 'piattaforma-e2e-2026-lunga' };
const OFFICE = { email: `ufficio-${RUN}@bari.invalid`, password: 'ufficio-di-piano-bari-2026', name: 'Ufficio di Piano Bari' };
const ORG = { email: `associazione-${RUN}@bari.invalid`, password: 'associazione-bari-2026-lunga' };
const AMBITO_NAME = 'Ambito Territoriale Sociale di Bari';
const SLUG = `bari-${RUN}`;

let server;
let base;
let work;
let chromium;

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The setup address the server printed, waiting for it to appear in its log. */
async function setupAddress(log) {
  const until = Date.now() + 60_000;
  for (;;) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const found = text.match(/setup: (http:\/\/\S+\/benvenuto\/\S+)/);
    if (found) return found[1];
    if (Date.now() > until) throw new Error(`no setup line in the server's log:\n${text.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  if (SKIP) return;
  work = mkdtempSync(join(tmpdir(), 'concerto-first-run-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = join(work, 'server.log');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONCERTO_')));
  const out = openSync(log, 'w');
  server = spawn(BINARY, [
    'serve', '--no-demo', '--database-url', `sqlite://${join(work, 'first-run.db')}`, '--listen', `127.0.0.1:${port}`,
    '--public-url', base, '--smtp-url', SMTP_URL,
  ], {
    cwd: work,
    env: { ...env, NO_COLOR: '1', CONCERTO_LIMIT_EXPRESSIONS: '0', CONCERTO_LIMIT_SIGN_INS: '0' },
    stdio: ['ignore', out, out],
  });
  server.log = log;
  // The setup line comes once the server listens.
  server.setup = await setupAddress(log);
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => { server.once('exit', resolve); setTimeout(resolve, 10_000); });
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const at = (path) => base + path;
const isButton = (label) => (f) => f.tag === 'button' && f.text === label;

async function assertClean(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** Tab to the field `name` (its first input, or the one with `value`) and type `text`. */
async function typeInto(page, name, text, value) {
  await tabTo(page, (f) => f.name === name && f.type !== 'hidden' && (value === undefined || f.value === value),
    `the field ${name}`, 200);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** The link in the newest message to `recipient` whose body holds `fragment`. */
async function mailedLink(recipient, fragment) {
  const mail = await waitForMail((m) => m.rcpt_tos.includes(recipient) && m.body.includes(fragment));
  const link = mail.body.split(/\s+/).find((w) => w.startsWith(base) && w.includes(fragment));
  assert.ok(link, `no link with ${fragment} in the message to ${recipient}:\n${mail.body}`);
  return link;
}

/** Signs in on /accedi with the keyboard: e-mail, Tab, password, Enter. */
async function signIn(page, { email, password }, next = '/ufficio') {
  assert.equal((await page.goto(at(`/accedi?next=${next}`))).status(), 200);
  await typeInto(page, 'email', email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await pressAndLoad(page);
  assert.equal(new URL(page.url()).pathname, next, `after signing in the browser is on ${page.url()}`);
}

/** Chooses a password twice on an account page (setup, invitation, verification). */
async function choosePassword(page, password) {
  await tabTo(page, (f) => f.id === 'account-password', 'the password field');
  await page.keyboard.type(password);
  await tabTo(page, (f) => f.id === 'account-confirmation', 'the confirmation field');
  await page.keyboard.type(password);
}

test('journey: from an empty database to an Ambito with a published process and a representative\'s pact', async (t) => {
  if (SKIP) { t.skip('run through tests/e2e/run.sh: it provides the binary and the SMTP sink'); return; }
  const admin = await chromium.newPage({ locale: 'it' });
  const office = await chromium.newPage({ locale: 'it' });
  const org = await chromium.newPage({ locale: 'it' });
  try {
    // 1. The setup address creates the platform administrator, once.
    const setupPath = new URL(server.setup).pathname;
    assert.equal((await admin.goto(at(setupPath))).status(), 200);
    await assertClean(admin, 'the first-run page');
    await typeInto(admin, 'email', ADMIN.email);
    await choosePassword(admin, ADMIN.password);
    await tabTo(admin, (f) => f.id === 'account-terms', 'the terms box');
    await admin.keyboard.press('Space');
    await tabTo(admin, isButton("Crea l'account"), 'the button "Crea l\'account"');
    let response = await pressAndLoad(admin);
    assert.equal(response.status(), 200, (await admin.content()).slice(0, 800));
    assert.equal((await fetch(at(setupPath))).status, 404, 'the setup address works once');
    await signIn(admin, ADMIN);
    await assertClean(admin, '/ufficio of the platform administrator');

    // 2. A new Ambito: the province first, then its municipality from ISTAT's list.
    await tabTo(admin, (f) => f.href === '/ufficio/ambiti', 'the link "Ambiti"');
    await pressAndLoad(admin);
    await assertClean(admin, '/ufficio/ambiti');
    await tabTo(admin, (f) => f.href === '/ufficio/ambiti/nuovo', 'the link "Nuovo Ambito"');
    await pressAndLoad(admin);
    await assertClean(admin, '/ufficio/ambiti/nuovo');
    await tabTo(admin, (f) => f.name === 'province', 'the province');
    await admin.keyboard.type('Bari');
    assert.equal(await admin.locator('select[name="province"]').inputValue(), 'BA', 'typing "Bari" picks the province');
    await tabTo(admin, isButton('Continua'), 'the button "Continua"');
    response = await pressAndLoad(admin);
    assert.equal(response.status(), 200);
    await assertClean(admin, '/ufficio/ambiti/nuovo with the municipalities of Bari');
    await typeInto(admin, 'name', AMBITO_NAME);
    await typeInto(admin, 'slug', SLUG);
    await tabTo(admin, (f) => f.name === 'municipalities' && f.value === 'Bari', 'the box "Bari"', 300);
    await admin.keyboard.press('Space');
    await typeInto(admin, 'lead_municipality', 'Bari');
    assert.ok(await admin.locator('datalist#l-lead_municipality option[value="Bari"]').count(), 'Bari is among the suggestions');
    await typeInto(admin, 'email', 'ufficiodipiano@bari.invalid');
    await tabTo(admin, isButton("Crea l'Ambito"), 'the button "Crea l\'Ambito"', 120);
    response = await pressAndLoad(admin);
    assert.equal(new URL(admin.url()).pathname, '/ufficio/ambiti', `the Ambito was not created: ${(await admin.content()).slice(0, 1500)}`);
    assert.ok(await admin.locator('tbody th', { hasText: AMBITO_NAME }).count(), `${AMBITO_NAME} is not listed`);

    // 2b. Its letterhead logo, a PNG (the file picker is filled directly).
    await tabTo(admin, (f) => f.href === `/ufficio/ambiti/${SLUG}/logo`, 'the link "Logo della carta intestata"', 200);
    await pressAndLoad(admin);
    await assertClean(admin, 'the logo page');
    await admin.locator('input[type="file"][name="logo"]').setInputFiles(join(REPO_DIR, 'crates/documents/tests/fixtures/logo.png'));
    await tabTo(admin, isButton('Carica il logo'), 'the button "Carica il logo"');
    response = await pressAndLoad(admin);
    assert.equal(response.status(), 200);
    assert.match(await admin.locator('main').innerText(), /Logo attuale: PNG/, 'the logo is stored');
    await tabTo(admin, (f) => f.href === '/ufficio', 'the link to the workspace');
    await pressAndLoad(admin);

    // 3. Invite its administrator; the link comes through the sink.
    await tabTo(admin, (f) => f.href === '/ufficio/utenti', 'the link "Utenti"');
    await pressAndLoad(admin);
    await assertClean(admin, '/ufficio/utenti');
    await tabTo(admin, (f) => f.href === '/ufficio/utenti/invita', 'the link "Invita un utente"');
    await pressAndLoad(admin);
    await assertClean(admin, '/ufficio/utenti/invita');
    await typeInto(admin, 'email', OFFICE.email);
    await typeInto(admin, 'display_name', OFFICE.name);
    await tabTo(admin, (f) => f.name === 'role', 'the role');
    await admin.locator('select[name="role"]').selectOption('ambito-admin');
    await tabTo(admin, (f) => f.name === 'ambito', 'the Ambito');
    await admin.locator('select[name="ambito"]').selectOption(SLUG);
    await tabTo(admin, isButton("Invia l'invito"), 'the button "Invia l\'invito"');
    response = await pressAndLoad(admin);
    assert.ok(response.status() < 400, `the invitation answered ${response.status()}: ${(await admin.content()).slice(0, 1500)}`);
    const invitation = await mailedLink(OFFICE.email, '/accedi/invito/');

    // 4. The administrator chooses a password, creates a process and publishes it.
    assert.equal((await office.goto(invitation)).status(), 200);
    await assertClean(office, 'the invitation page');
    await choosePassword(office, OFFICE.password);
    await tabTo(office, isButton("Crea l'account"), 'the button "Crea l\'account"');
    response = await pressAndLoad(office);
    assert.equal(response.status(), 200);
    await signIn(office, OFFICE);
    await tabTo(office, (f) => f.href === '/ufficio/processi/nuovo', 'the link "Nuovo processo"');
    await pressAndLoad(office);
    await tabTo(office, (f) => f.name === 'mode' && f.value === 'import', 'the first mode');
    await office.keyboard.press('ArrowDown');
    assert.equal(await office.locator('input[name="mode"][value="template"]').isChecked(), true, 'the regional template is chosen');
    const processSlug = `pdz-${SLUG}`;
    const workspace = `/ufficio/processi/${processSlug}`;
    await typeInto(office, 'slug', processSlug);
    await typeInto(office, 'title', 'Piano Sociale di Zona 2027-2029 – Ambito di Bari');
    await typeInto(office, 'cycle_from', '2027');
    await tabTo(office, isButton('Crea la bozza'), 'the button "Crea la bozza"', 40);
    response = await pressAndLoad(office);
    assert.ok(response.status() < 400, `the new process answered ${response.status()}: ${(await office.content()).slice(0, 1500)}`);
    if (new URL(office.url()).pathname !== workspace) {
      await tabTo(office, (f) => f.href === workspace, 'the link "Apri la bozza"');
      await pressAndLoad(office);
    }
    assert.equal(new URL(office.url()).pathname, workspace);
    await tabTo(office, (f) => f.href === `${workspace}/impostazioni`, 'the link to the settings', 200);
    await pressAndLoad(office);
    await office.locator('input[name="deadline_date"]').fill('2030-02-28');
    await office.locator('input[name="deadline_time"]').fill('12:00');
    if (!(await office.locator('input[name="online_form"]').isChecked())) {
      await tabTo(office, (f) => f.name === 'online_form', 'the box "online form"', 120);
      await office.keyboard.press('Space');
    }
    await tabTo(office, isButton('Salva'), 'the button "Salva"', 120);
    await pressAndLoad(office);
    assert.equal(new URL(office.url()).pathname, workspace, `the settings did not save: ${(await office.content()).slice(0, 1500)}`);
    await tabTo(office, isButton('Pubblica'), 'the button "Pubblica"', 200);
    await pressAndLoad(office);
    response = await confirmByKeyboard(office);
    assert.equal(response.status(), 200);
    const api = await (await fetch(at(`/api/v1/processes/${processSlug}`))).json();
    assert.equal(api.status, 'published', JSON.stringify(api).slice(0, 400));

    // 5. An organization sends its expression; the receipt offers an account.
    response = await org.goto(at(`/processi/${processSlug}/manifestazione`));
    assert.equal(response.status(), 200);
    const areaId = api.areas[0].id;
    for (const [name, value] of [
      ['applicant.name', 'Associazione Prima Corsa APS'],
      ['applicant.tax_code', '00743110157'],
      ['applicant.legal_representative', 'Anna Verdi'],
      ['applicant.address', 'Via Sparano 1'],
      ['applicant.municipality', 'Bari'],
      ['applicant.email', ORG.email],
      ['applicant.founded_on', '2001-01-01'],
    ]) {
      await org.locator(`[name="${name}"]`).fill(value);
    }
    await org.locator('select[name="applicant.legal_form"]').selectOption('aps');
    await org.locator(`input[name="area"][value="${areaId}"]`).focus();
    await org.keyboard.press('Space');
    await org.locator(`[name="rep.${areaId}.name"]`).fill('Paolo Neri');
    await org.locator(`[name="rep.${areaId}.email"]`).fill(ORG.email);
    for (const name of ['privacy_accepted', 'declaration_accepted']) {
      await org.locator(`input[name="${name}"]`).focus();
      await org.keyboard.press('Space');
    }
    await org.locator('button[type="submit"]', { hasText: 'Invia la manifestazione di interesse' }).focus();
    response = await pressAndLoad(org);
    assert.ok([200, 201].includes(response.status()), `the expression answered ${response.status()}: ${(await org.content()).slice(0, 800)}`);
    const offer = await mailedLink(ORG.email, '#account');
    assert.equal((await org.goto(offer)).status(), 200);
    await assertClean(org, 'the management page with the account offer');
    await tabTo(org, isButton('Chiedi un account'), 'the button "Chiedi un account"', 200);
    response = await pressAndLoad(org);
    assert.ok(response.status() < 400, `the account request answered ${response.status()}`);
    const verification = await mailedLink(ORG.email, '/accedi/verifica/');
    assert.equal((await org.goto(verification)).status(), 200);
    await assertClean(org, 'the e-mail check page');
    await choosePassword(org, ORG.password);
    if (await org.locator('#account-terms').count()) {
      await tabTo(org, (f) => f.id === 'account-terms', 'the terms box');
      await org.keyboard.press('Space');
    }
    await tabTo(org, isButton("Crea l'account"), 'the button "Crea l\'account"');
    response = await pressAndLoad(org);
    assert.equal(response.status(), 200, (await org.content()).slice(0, 800));
    await signIn(org, ORG, '/i-miei-patti');
    await assertClean(org, '/i-miei-patti');
    const row = org.locator('tbody tr', { hasText: 'Associazione Prima Corsa APS' });
    assert.equal(await row.count(), 1, `the pact is not at /i-miei-patti: ${(await org.content()).slice(0, 1500)}`);
    assert.equal(await row.locator('[data-state]').getAttribute('data-state'), 'generated');
  } finally {
    await closePage(admin);
    await closePage(office);
    await closePage(org);
  }
});
