// A newcomer reads a process and applies, with the keyboard alone: an empty submission
// first (the error state is checked for accessibility), then a filled form with a wrong
// tax code (what was typed must come back), then the right one; the receipt and the
// management page follow. No mouse, no fill(): Tab, type, Space, arrows and Enter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, closePage, url, seriousViolations, formatViolations,
  focused, describeFocus, tabTo, pressAndLoad,
} from './lib/browser.mjs';

const SLUG = 'esempio-2026-2028';
const PROCESS = `/processi/${SLUG}`;
const FORM = `${PROCESS}/manifestazione`;
const SUBMIT_LABEL = 'Invia la manifestazione di interesse';
const VALID_TAX_CODE = '00743110157';
const WRONG_TAX_CODE = '00743110158'; // the check digit is off by one

// What the newcomer types, in the order of the form.
const APPLICANT = [
  ['applicant.name', 'Associazione Prova Tastiera'],
  ['applicant.tax_code', WRONG_TAX_CODE],
  ['applicant.legal_representative', 'Maria Rossi'],
  ['applicant.address', 'Via Roma 1'],
  ['applicant.municipality', 'Esempio'],
  ['applicant.email', 'prova.tastiera@esempio.invalid'],
];
const REP_NAME = 'Luca Bianchi';
const REP_EMAIL = 'luca.bianchi@esempio.invalid';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const isSubmit = (f) => f.tag === 'button' && f.text === SUBMIT_LABEL;

async function assertNoSeriousViolations(page, label) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, formatViolations(label, violations));
}

/**
 * The error summary and the fields it points at, as seen by assistive technologies:
 * for each link, its target and the texts of what describes the target.
 */
async function errorState(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').trim().replace(/\s+/g, ' ');
    const describedBy = (el) => (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const summary = document.getElementById('error-summary');
    const links = summary ? [...summary.querySelectorAll('a[href^="#"]')].map((a) => {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      const target = document.getElementById(id);
      return {
        message: text(a),
        href: a.getAttribute('href'),
        found: !!target,
        tag: target ? target.tagName.toLowerCase() : null,
        names: target ? [...new Set([target, ...target.querySelectorAll('input, select, textarea')]
          .map((e) => e.getAttribute('name')).filter(Boolean))] : [],
        ariaInvalid: target ? target.getAttribute('aria-invalid') : null,
        descriptions: target ? describedBy(target).map((i) => {
          const d = document.getElementById(i);
          return d ? { id: i, text: text(d), inside: (target.closest('.field, .choice, fieldset') ?? target).contains(d) } : { id: i, missing: true };
        }) : [],
      };
    }) : [];
    // Every error message shown beside a field must be one some element points at.
    const referenced = new Set([...document.querySelectorAll('[aria-describedby]')].flatMap(describedBy));
    const orphans = [...document.querySelectorAll('form .field-error')]
      .filter((p) => !p.id || !referenced.has(p.id))
      .map((p) => `<p class="field-error"${p.id ? ` id="${p.id}"` : ''}> "${text(p)}" in ${p.parentElement.tagName.toLowerCase()}${p.parentElement.id ? `#${p.parentElement.id}` : ''}`);
    const invalid = [...document.querySelectorAll('[aria-invalid="true"]')].map((e) => e.id);
    return {
      summary: summary ? { role: summary.getAttribute('role'), text: text(summary) } : null,
      links,
      orphans,
      invalid,
    };
  });
}

/** The value of the field `name` as the browser holds it (checked state for boxes). */
async function fieldValue(page, name) {
  return page.locator(`[name="${name}"]`).first().evaluate((el) =>
    (el.type === 'checkbox' || el.type === 'radio') ? el.checked : el.value);
}

/** Tab to the field named `name` (from wherever the focus is) and type `value`. */
async function typeInto(page, name, value, { replace = false } = {}) {
  await tabTo(page, (f) => f.name === name && f.type !== 'hidden', `the field ${name}`);
  if (replace) await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(value);
  assert.equal(await fieldValue(page, name), value, `${name}: typing "${value}" left another value`);
}

test('journey: a newcomer applies with the keyboard alone and gets the receipt', async (t) => {
  const page = await chromium.newPage({ locale: 'it' });
  try {
    // 1. From the home page to the open process, then to its form.
    assert.equal((await page.goto(url('/'))).status(), 200);
    await tabTo(page, (f) => f.href === PROCESS, `the link to ${PROCESS} on the home page`);
    let response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, PROCESS);

    await tabTo(page, (f) => f.tag === 'a' && (f.href ?? '').endsWith(FORM),
      `the link "Compila la manifestazione di interesse" (${FORM})`);
    assert.equal((await focused(page)).text, 'Compila la manifestazione di interesse');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200, `${FORM} answered ${response.status()}`);
    assert.equal(new URL(page.url()).pathname, FORM);
    assert.equal(await page.locator('#error-summary').count(), 0, 'the new form already shows errors');

    // 2. Submit it empty: 422, an error summary with links to the fields.
    await tabTo(page, isSubmit, `the button "${SUBMIT_LABEL}"`, 200);
    response = await pressAndLoad(page);
    assert.equal(response.request().method(), 'POST');
    assert.equal(response.status(), 422, `an empty form answered ${response.status()}, not 422`);
    assert.equal(new URL(page.url()).pathname, FORM);

    const empty = await errorState(page);
    assert.ok(empty.summary, 'no #error-summary after an empty submission');
    assert.equal(empty.summary.role, 'alert', '#error-summary should have role="alert"');
    const linked = new Set(empty.links.flatMap((l) => l.names));
    for (const name of ['applicant.name', 'applicant.tax_code', 'applicant.address', 'applicant.municipality',
      'applicant.email', 'area', 'privacy_accepted', 'declaration_accepted']) {
      assert.ok(linked.has(name), `the error summary has no link to the field ${name}; links: ${JSON.stringify(empty.links.map((l) => [l.href, l.message]))}`);
    }

    // The checks of the error state are subtests: a failure is reported and the
    // journey goes on, so that one defect does not hide the next ones.
    // Every link leads to a field that says it is invalid and is described by the error.
    await t.test('the error state: each error is tied to its field (aria-invalid, aria-describedby)', () => {
    const problems = [];
    for (const l of empty.links) {
      if (!l.found) { problems.push(`${l.href} "${l.message}": no element with that id`); continue; }
      const isControl = ['input', 'select', 'textarea'].includes(l.tag);
      if (isControl && l.ariaInvalid !== 'true') problems.push(`${l.href} "${l.message}": aria-invalid is ${JSON.stringify(l.ariaInvalid)}, not "true"`);
      // The summary names the field before the message, so the message it repeats is enough.
      const match = l.descriptions.find((d) => !d.missing && d.text && l.message.includes(d.text));
      if (!match) {
        problems.push(`${l.href} (<${l.tag}>) "${l.message}": aria-describedby ${JSON.stringify(l.descriptions)} names no element with that text`);
      } else if (!match.inside) {
        problems.push(`${l.href} "${l.message}": the error #${match.id} is not shown beside the field`);
      }
    }
    for (const o of empty.orphans) problems.push(`an error message no field points at (aria-describedby): ${o}`);
    const targets = new Set(empty.links.map((l) => l.href.slice(1)));
    for (const id of empty.invalid) if (!targets.has(id)) problems.push(`#${id} has aria-invalid="true" but no link in the error summary`);
    assert.deepEqual(problems, [], `the error state is not accessible:\n  ${problems.join('\n  ')}`);
    });

    // The links must tell their fields apart (a list of links read out of context).
    await t.test('the error state: the summary\'s links tell their fields apart', () => {
    const messages = empty.links.map((l) => l.message);
    const repeated = [...new Set(messages.filter((m, i) => messages.indexOf(m) !== i))];
    assert.deepEqual(repeated, [], `the error summary has links with the same text to different fields: `
      + `${repeated.map((m) => `"${m}" → ${empty.links.filter((l) => l.message === m).map((l) => l.href).join(', ')}`).join('; ')}`);
    });

    await t.test('the error state: no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, `${FORM} after an empty submission (422)`);
    });

    // 3. Enter on the summary's link to the name field puts the focus in that field.
    await tabTo(page, (f) => f.tag === 'a' && f.href === '#f-applicant-name', 'the error summary link to the name field');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'applicant.name', null, { timeout: 3000 })
      .catch(async () => assert.fail(`Enter on the summary link left the focus on ${describeFocus(await focused(page))}, not the name field`));

    // 4. Fill the form by keyboard, in the order of the page, with a wrong tax code.
    //    Back (Shift+Tab) to the applicant kind: a radio group, moved with the arrows.
    const kind = await tabTo(page, (f) => f.name === 'applicant.kind', 'the radio group applicant.kind', 20, 'Shift+Tab');
    assert.equal(kind.value, 'organization', `Shift+Tab into the radio group reached ${describeFocus(kind)}, not the checked "Organizzazione"`);
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).value, 'citizen', 'ArrowDown did not move to the next kind');
    assert.equal(await page.locator('input[name="applicant.kind"]:checked').getAttribute('value'), 'citizen');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('input[name="applicant.kind"]:checked').getAttribute('value'), 'organization',
      'ArrowUp did not bring the choice back to "Organizzazione"');

    // The legal form: a select, changed with ArrowDown without opening it.
    await tabTo(page, (f) => f.name === 'applicant.legal_form', 'the select applicant.legal_form', 5);
    await page.keyboard.press('ArrowDown');
    assert.equal(await fieldValue(page, 'applicant.legal_form'), 'odv', 'ArrowDown on the legal form did not choose "odv"');

    for (const [name, value] of APPLICANT) await typeInto(page, name, value);

    // The first thematic area: Space ticks it and reveals its representative's fields.
    const area = await tabTo(page, (f) => f.name === 'area', 'the first area checkbox');
    const areaId = area.value;
    const repName = page.locator(`[name="rep.${areaId}.name"]`);
    const repEmail = page.locator(`[name="rep.${areaId}.email"]`);
    assert.equal(await repName.isVisible(), false, `rep.${areaId}.name is visible before its area is ticked`);
    await page.keyboard.press('Space');
    assert.equal(await fieldValue(page, 'area'), true, 'Space did not tick the area');
    assert.equal(await repName.isVisible(), true, `rep.${areaId}.name did not appear after ticking its area`);
    assert.equal(await repEmail.isVisible(), true, `rep.${areaId}.email did not appear after ticking its area`);
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.equal(next.name, `rep.${areaId}.name`, `after the ticked area the next Tab stop is ${describeFocus(next)}, not its representative's name`);
    await page.keyboard.type(REP_NAME);
    await typeInto(page, `rep.${areaId}.email`, REP_EMAIL);

    for (const name of ['privacy_accepted', 'declaration_accepted']) {
      await tabTo(page, (f) => f.name === name, `the checkbox ${name}`);
      await page.keyboard.press('Space');
      assert.equal(await fieldValue(page, name), true, `Space did not tick ${name}`);
    }

    await tabTo(page, isSubmit, `the button "${SUBMIT_LABEL}"`);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 422, `a wrong tax code answered ${response.status()}, not 422`);

    // 5. The round trip kept everything typed, and the tax code's error is beside it.
    const kept = {};
    for (const [name] of APPLICANT) kept[name] = await fieldValue(page, name);
    assert.deepEqual(kept, Object.fromEntries(APPLICANT), 'the values typed did not all come back after the error');
    assert.equal(await fieldValue(page, 'applicant.legal_form'), 'odv', 'the legal form did not come back');
    assert.equal(await page.locator('input[name="applicant.kind"]:checked').getAttribute('value'), 'organization');
    assert.equal(await page.locator(`input[name="area"][value="${areaId}"]`).isChecked(), true, 'the ticked area did not come back');
    assert.equal(await fieldValue(page, `rep.${areaId}.name`), REP_NAME);
    assert.equal(await fieldValue(page, `rep.${areaId}.email`), REP_EMAIL);
    assert.equal(await repName.isVisible(), true, 'the representative\'s fields are hidden again after the error');
    assert.equal(await fieldValue(page, 'privacy_accepted'), true, 'privacy_accepted did not come back ticked');
    assert.equal(await fieldValue(page, 'declaration_accepted'), true, 'declaration_accepted did not come back ticked');

    const wrong = await errorState(page);
    assert.deepEqual(wrong.links.map((l) => l.names), [['applicant.tax_code']],
      `only the tax code should be in error; the summary says ${JSON.stringify(wrong.links.map((l) => [l.href, l.message]))}`);
    const taxError = await page.locator('[name="applicant.tax_code"]').evaluate((input) => {
      const box = input.closest('.field');
      const error = box?.querySelector('.field-error');
      return {
        invalid: input.getAttribute('aria-invalid'),
        describedBy: (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean),
        errorId: error?.id ?? null,
        errorText: error?.textContent.trim() ?? null,
      };
    });
    assert.equal(taxError.invalid, 'true', 'the tax code is not marked aria-invalid');
    assert.ok(taxError.errorText, 'no error message beside the tax code');
    assert.ok(taxError.describedBy.includes(taxError.errorId), `the tax code's aria-describedby ${JSON.stringify(taxError.describedBy)} does not name its error #${taxError.errorId}`);
    assert.ok(wrong.links[0].message.endsWith(taxError.errorText), `the summary «${wrong.links[0].message}» and the field «${taxError.errorText}» tell different errors`);

    // 6. Correct the tax code and send.
    await typeInto(page, 'applicant.tax_code', VALID_TAX_CODE, { replace: true });
    await tabTo(page, isSubmit, `the button "${SUBMIT_LABEL}"`, 200);
    response = await pressAndLoad(page);
    const receiptPath = new URL(page.url()).pathname;
    const receiptMatch = receiptPath.match(/^\/manifestazioni\/([^/]+)\/ricevuta$/);
    if (!receiptMatch) {
      const errors = await page.locator('#error-summary').innerText({ timeout: 1000 }).catch(() => '(no error summary)');
      assert.fail(`the form led to ${receiptPath} (HTTP ${response.status()}), not /manifestazioni/{token}/ricevuta:\n${errors}`);
    }
    assert.equal(response.status(), 200);
    const token = receiptMatch[1];

    // 7. The receipt: protocol number, date received, SHA-256.
    const protocol = (await page.locator('dd.protocol').innerText()).trim();
    assert.match(protocol, /^\d{4}\/\d{7}$/, `the protocol number is "${protocol}"`);
    const time = page.locator('dl.receipt time[datetime]').first();
    const received = { text: (await time.innerText()).trim(), iso: await time.getAttribute('datetime') };
    assert.ok(received.text, 'the receipt shows no date of receipt');
    const at = Date.parse(received.iso);
    assert.ok(Math.abs(Date.now() - at) < 24 * 3600 * 1000, `the date of receipt ${JSON.stringify(received)} is not today`);
    assert.match((await page.locator('code.hash').innerText()).trim(), /^[0-9a-f]{64}$/, 'no SHA-256 on the receipt');
    assert.match(await page.locator('main').innerText(), new RegExp(REP_NAME), 'the receipt does not list the representative');
    await t.test('the receipt: no serious or critical axe violations', async () => {
      await assertNoSeriousViolations(page, receiptPath);
    });

    // 8. On to the management page by keyboard.
    const manage = `/manifestazioni/${token}`;
    await tabTo(page, (f) => f.href === manage, `the link to the management page ${manage}`);
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, manage);
    const history = await page.locator('table.history tbody th').allInnerTexts();
    assert.ok(history.map((h) => h.trim()).includes(protocol), `the history ${JSON.stringify(history)} does not list ${protocol}`);
    const withdraw = page.locator(`form[method="post"][action="${manage}/ritiro"]`);
    assert.equal(await withdraw.count(), 1, 'no withdraw form on the management page');
    assert.equal(await withdraw.locator('input[type="checkbox"][name="confirm"]').count(), 1, 'the withdraw form has no confirmation box');
    assert.equal(await withdraw.locator('button[type="submit"]').count(), 1, 'the withdraw form has no submit button');
  } finally {
    await closePage(page);
  }
});
