// The office imports a notice and runs the process it becomes: an editor of the Ambito
// "esempio" signs in, imports seed 000's notice (Casarano 2022-2024) as a new draft,
// fixes one of the importer's warnings (Tavolo 3's date "da definire"), sets a deadline
// still to come, publishes the process and finds it on the public home page. A citizen
// then registers for Tavolo 3's area through the public form, and when the editor moves
// Tavolo 3 the SMTP sink receives the change e-mail for that participant.
//
// Keyboard where a person would: Tab to links and buttons, typing into fields, Space on
// boxes, Enter to submit; the file picker, the date and time pickers and the public
// form (journey-apply.test.mjs types that one key by key) are filled directly.
// Like journey-office.test.mjs it needs CONCERTO_E2E_DATABASE_URL for its account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  launch, closePage, url, REPO_DIR, seriousViolations, formatViolations, tabTo, pressAndLoad, confirmByKeyboard,
} from './lib/browser.mjs';
import { DATABASE_URL, SKIP_REASON, createAccount } from './lib/accounts.mjs';
import { waitForMail } from './lib/mail.mjs';

const EMAIL = 'redazione.import@esempio.invalid';
const PASSWORD = 'importazione-e2e-2026';
const NOTICE = join(REPO_DIR, 'crates/notice/tests/seeds/000_c7aa5ff5bb19b09b.txt');
// Unique per run, so that a rerun against the same server starts again.
const SLUG = `importato-${Date.now().toString(36)}`;
const WORKSPACE = `/ufficio/processi/${SLUG}`;
const PUBLIC = `/processi/${SLUG}`;
const REP_EMAIL = 'partecipante.import@esempio.invalid';
const WARNING = 'Sessione «Tavolo 3»: data da definire';

let chromium;
before(async () => {
  if (!DATABASE_URL) return;
  createAccount({ email: EMAIL, password: PASSWORD, role: 'ambito-editor', ambito: 'esempio', name: 'Redazione import E2E' });
  chromium = await launch();
});
after(async () => { await chromium?.close(); });

async function assertNoSeriousViolations(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/** Tab to the field `name` and type `value` into it. */
async function typeInto(page, name, value) {
  await tabTo(page, (f) => f.name === name && f.type !== 'hidden', `the field ${name}`, 120);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(value);
}

const isButton = (label) => (f) => f.tag === 'button' && f.text === label;

/** The process as the JSON API shows it. */
async function apiProcess() {
  const response = await fetch(url(`/api/v1/processes/${SLUG}`), { headers: { accept: 'application/json' } });
  assert.equal(response.status, 200, `GET /api/v1/processes/${SLUG} answered ${response.status}`);
  return response.json();
}

test('journey: the office imports a notice, fixes a warning, publishes, and a moved session is e-mailed', async (t) => {
  if (!DATABASE_URL) { t.skip(SKIP_REASON); return; }
  const page = await chromium.newPage({ locale: 'it' });
  try {
    // 1. Sign in: e-mail, Tab, password, Enter.
    assert.equal((await page.goto(url('/accedi?next=/ufficio'))).status(), 200);
    await typeInto(page, 'email', EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    let response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, '/ufficio', `after signing in the browser is on ${page.url()}`);
    await t.test('/ufficio (the dashboard): no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, '/ufficio');
    });

    // 2. "Nuovo processo", import (the default), the notice's file, the short address.
    await tabTo(page, (f) => f.href === '/ufficio/processi/nuovo', 'the link "Nuovo processo"');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('input[name="mode"][value="import"]').isChecked(), true, 'import is not the default mode');
    await page.locator('input[type="file"][name="notice_file"]').setInputFiles(NOTICE);
    await typeInto(page, 'slug', SLUG);
    await tabTo(page, isButton('Crea la bozza'), 'the button "Crea la bozza"', 40);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 201, `the import answered ${response.status()}: ${(await page.content()).slice(0, 500)}`);
    const warnings = await page.locator('section[aria-labelledby="warnings-heading"] li').allInnerTexts();
    assert.ok(warnings.includes(WARNING), `the importer's warnings do not include "${WARNING}": ${JSON.stringify(warnings)}`);

    // 2b. The review: every session read from the notice links to a highlighted span of
    // the source, whose mark says so in words to a screen reader; Enter on a link leads to its mark.
    const rows = page.locator('ol.review-values > li > a');
    const labels = await rows.allInnerTexts();
    const sessions = labels.filter((l) => l.startsWith('Sessione '));
    assert.ok(sessions.length >= 5, `the review lists too few sessions: ${JSON.stringify(labels)}`);
    for (let i = 0; i < labels.length; i += 1) {
      const href = await rows.nth(i).getAttribute('href');
      const mark = page.locator(`.review-source mark${href}`);
      assert.equal(await mark.count(), 1, `"${labels[i]}" links to ${href}, which is not one mark of the source`);
      const spoken = await mark.innerText();
      assert.match(spoken, /inizio evidenziazione/, `the mark ${href} has no text equivalent: ${spoken}`);
      assert.ok((await mark.evaluate((m) => m.textContent.replace(/\[[^\]]*\]/g, '').trim())).length > 0, `the mark ${href} is empty`);
    }
    const firstSession = labels.findIndex((l) => l.startsWith('Sessione '));
    const firstHref = await rows.nth(firstSession).getAttribute('href');
    await tabTo(page, (f) => f.href === firstHref, `the review link ${firstHref}`, 200);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => location.hash === id, firstHref);
    assert.equal(await page.evaluate(() => document.querySelector(':target')?.tagName), 'MARK', 'the link does not lead to its mark');
    await t.test('the import review: no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, 'the import review');
    });

    // 3. Open the draft; fix the warning: Tavolo 3 gets its date.
    await tabTo(page, (f) => f.href === WORKSPACE, 'the link "Apri la bozza"');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    const draft = await apiProcess().catch(() => null);
    assert.equal(draft, null, 'a draft must not be in the public API');
    const tavolo3 = page.locator('section[aria-labelledby="sessions-heading"] li', { hasText: 'Tavolo 3' });
    assert.match(await tavolo3.innerText(), /data da definire/, 'Tavolo 3 is not shown as undated');
    const moveHref = await tavolo3.locator('a', { hasText: 'Sposta o annulla' }).getAttribute('href');
    await tabTo(page, (f) => f.href === moveHref, 'the link "Sposta o annulla: Tavolo 3"', 200);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    await page.locator('input[name="date"]').fill('2027-03-15');
    await page.locator('input[name="start"]').fill('09:30');
    await page.locator('input[name="end"]').fill('12:30');
    await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the button that saves the session');
    response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, WORKSPACE, 'saving Tavolo 3 did not come back to the workspace');
    assert.match(await tavolo3.innerText(), /15\/03\/2027/, 'Tavolo 3 has not got its date');

    // 4. The settings: a deadline still to come (the notice's was in 2022).
    await tabTo(page, (f) => f.href === `${WORKSPACE}/impostazioni`, 'the link to the settings', 200);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    await t.test(`${WORKSPACE}/impostazioni: no serious or critical axe violations`, async () => {
      await assertNoSeriousViolations(page, `${WORKSPACE}/impostazioni`);
    });
    await page.locator('input[name="deadline_date"]').fill('2027-02-28');
    await page.locator('input[name="deadline_time"]').fill('12:00');
    if (!(await page.locator('input[name="online_form"]').isChecked())) {
      await tabTo(page, (f) => f.name === 'online_form', 'the box "online form"', 120);
      await page.keyboard.press('Space');
    }
    await tabTo(page, isButton('Salva'), 'the button "Salva"', 120);
    response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, WORKSPACE, `the settings did not save: ${(await page.content()).slice(0, 800)}`);
    assert.match(await page.locator('dl.facts').innerText(), /28\/02\/2027/, 'the workspace does not show the new deadline');

    // 5. Publish: the home page lists it.
    await tabTo(page, isButton('Pubblica'), 'the button "Pubblica"', 200);
    response = await pressAndLoad(page);
    response = await confirmByKeyboard(page);
    assert.equal(response.status(), 200);
    const home = await (await fetch(url('/'), { headers: { 'accept-language': 'it-IT' } })).text();
    assert.ok(home.includes(`href="${PUBLIC}"`), `the home page does not link to ${PUBLIC} after "Pubblica"`);
    const published = await apiProcess();
    const session = published.sessions.find((s) => s.title === 'Tavolo 3');
    assert.ok(session && session.area_ids.length > 0, 'Tavolo 3 has no area in the API');
    const areaId = session.area_ids[0];

    // 6. A citizen registers for Tavolo 3's area through the public form.
    const visitor = await chromium.newPage({ locale: 'it' });
    try {
      response = await visitor.goto(url(`${PUBLIC}/manifestazione`));
      assert.equal(response.status(), 200);
      for (const [name, value] of [
        ['applicant.name', 'Associazione Import Prova'],
        ['applicant.tax_code', '00743110157'],
        ['applicant.legal_representative', 'Anna Verdi'],
        ['applicant.address', 'Via Stazione 44'],
        ['applicant.municipality', 'Casarano'],
        ['applicant.email', 'associazione.import@esempio.invalid'],
        ['applicant.founded_on', '2001-01-01'],
      ]) {
        await visitor.locator(`[name="${name}"]`).fill(value);
      }
      await visitor.locator('select[name="applicant.legal_form"]').selectOption('odv');
      await visitor.locator(`input[name="area"][value="${areaId}"]`).focus();
      await visitor.keyboard.press('Space');
      await visitor.locator(`[name="rep.${areaId}.name"]`).fill('Paolo Neri');
      await visitor.locator(`[name="rep.${areaId}.email"]`).fill(REP_EMAIL);
      for (const name of ['privacy_accepted', 'declaration_accepted']) {
        await visitor.locator(`input[name="${name}"]`).focus();
        await visitor.keyboard.press('Space');
      }
      await visitor.locator('button[type="submit"]', { hasText: 'Invia la manifestazione di interesse' }).focus();
      response = await pressAndLoad(visitor);
      assert.ok([200, 201].includes(response.status()), `the expression answered ${response.status()}: ${(await visitor.content()).slice(0, 800)}`);
    } finally {
      await closePage(visitor);
    }

    // 7. The editor moves Tavolo 3: the participant is e-mailed.
    await page.reload();
    await tabTo(page, (f) => f.href === moveHref, 'the link "Sposta o annulla: Tavolo 3"', 200);
    response = await pressAndLoad(page);
    await page.locator('input[name="date"]').fill('2027-03-22');
    await typeInto(page, 'venue', 'Biblioteca comunale');
    await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the button that saves the session');
    response = await pressAndLoad(page);
    assert.equal(new URL(page.url()).pathname, WORKSPACE);
    const mail = await waitForMail((m) => m.rcpt_tos.includes(REP_EMAIL) && m.subject.includes('Tavolo 3'));
    assert.match(mail.body, /22\/03\/2027/, `the change e-mail does not give the new date: ${mail.body}`);
    assert.match(mail.body, /Biblioteca comunale/, 'the change e-mail does not give the new venue');
  } finally {
    await closePage(page);
  }
});
