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

// The private pages issue 22 changed, in both languages: the management page and
// the receipt behind an amended registration's first link (with the note that it
// was replaced), the pact page after its acceptance (with the message), the form
// once its deadline has passed is checked by flows2.rs; here the office's side too:
// the dashboard with the moderation link, the list, one expression's page, the
// moderation queue. Accounts come from `concerto user add`, as in journey-office.
import { DATABASE_URL, SKIP_REASON, createAccount } from './lib/accounts.mjs';
import { url } from './lib/browser.mjs';

const A11Y_TAX_CODE = '02200220024';
const ADMIN = { email: 'a11y-admin@concerto.invalid', password: 'a11y-admin-e2e-2026-lunga', role: 'platform-admin', name: 'A11y E2E' };

/** An organization's expression, amended once through its link: [first link, pact page]. */
async function amendedRegistration() {
  const slug = 'esempio-2026-2028';
  const p = await (await fetch(url(`/api/v1/processes/${slug}`))).json();
  const body = (name) => ({
    applicant: { kind: 'organization', name, legal_form: 'odv', tax_code: A11Y_TAX_CODE, legal_representative: 'Maria Rossi',
      address: 'Via Roma 1', municipality: 'Esempio', email: 'a11y-e2e@example.org', founded_on: '2010-05-01' },
    participations: [{ area_id: p.areas[0].id, representative: { name: 'Luca Verdi', email: 'luca-a11y@example.org' } }],
    proposal: { title: 'Doposcuola', text: 'Tre pomeriggi', area_ids: [p.areas[0].id] },
    privacy_accepted: true, declaration_accepted: true,
  });
  const created = await fetch(url(`/api/v1/processes/${slug}/expressions`), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body('A11y E2E ODV')),
  });
  const json = await created.json();
  assert.equal(created.status, 201, JSON.stringify(json));
  const manage = new URL(json.manage_url).pathname;
  const form = new URLSearchParams();
  const b = body('A11y E2E ODV (nuova sede)');
  for (const [k, v] of Object.entries(b.applicant)) form.append(`applicant.${k}`, v);
  form.append('area', String(p.areas[0].id));
  form.append(`rep.${p.areas[0].id}.name`, 'Luca Verdi');
  form.append(`rep.${p.areas[0].id}.email`, 'luca-a11y@example.org');
  form.append('privacy_accepted', '1');
  form.append('declaration_accepted', '1');
  const amended = await fetch(url(`${manage}/modifica`), { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(amended.status, 303, `the amendment answered ${amended.status}`);
  return manage;
}

test('a11y: the private pages of issue 22, in Italian and English', { skip: DATABASE_URL ? false : SKIP_REASON }, async (t) => {
  createAccount(ADMIN);
  const manage = await amendedRegistration();
  const page = await chromium.newPage({ bypassCSP: true });
  try {
    await visit(page, '/accedi');
    await page.fill('#login-email', ADMIN.email);
    await page.fill('#login-password', ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.press('#login-password', 'Enter')]);
    const list = await (await page.request.get(url('/ufficio/processi/esempio-2026-2028'))).text();
    const detail = list.match(/href="(\/ufficio\/processi\/esempio-2026-2028\/manifestazioni\/\d+)"/);
    assert.ok(detail, 'the office list links each expression');
    const session = list.match(/href="(\/ufficio\/processi\/esempio-2026-2028\/sessioni\/\d+)"/);
    assert.ok(session, "the office page links each session's one form");
    const targets = [
      manage, `${manage}/ricevuta`, `${manage}/patto?fatto=pact_signed&email=1`, `${manage}/modifica`,
      '/ufficio', '/ufficio/processi/esempio-2026-2028', detail[1], session[1],
      '/ufficio/osservatorio?fatto=correction_accepted&email=1',
    ];
    for (const target of targets) {
      for (const lang of ['it', 'en']) {
        const where = lang === 'en' ? `${target}${target.includes('?') ? '&' : '?'}lang=en` : `${target}${target.includes('?') ? '&' : '?'}lang=it`;
        await t.test(`${where}`, async () => {
          await visit(page, where);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          const violations = await seriousViolations(page);
          assert.equal(violations.length, 0, formatViolations(where, violations));
        });
      }
    }
    const note = await (await page.request.get(url(manage))).text();
    assert.ok(note.includes('id="replaced-note"'), 'the first link says the version was replaced');
  } finally {
    await closePage(page);
  }
});
