// A participant's phone (issue 22): at 390 CSS pixels the home page, the process
// page, the form, the management page, the pact page and the participant's tables
// page have no horizontal overflow (scrollWidth <= innerWidth), the process page's
// "Compila" button is within its first two screens, and axe finds nothing serious
// on the personal pages, in Italian and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, closePage, url, visit, withLang, seriousViolations, formatViolations } from './lib/browser.mjs';

const SLUG = 'esempio-2026-2028';
const WIDTH = 390;
const HEIGHT = 844;
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

/** An organization registered through the API, with a long name and a proposal; its management path. */
async function register() {
  const detail = await (await fetch(url(`/api/v1/processes/${SLUG}`))).json();
  const area = detail.areas[0].id;
  const response = await fetch(url(`/api/v1/processes/${SLUG}/expressions`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      applicant: { kind: 'organization', name: `Associazione di promozione sociale Telefono Amico ${RUN}`, legal_form: 'aps',
        tax_code: entityCode((Date.now() + 13) % 1e9), legal_representative: 'Maria Rossi', address: 'Via Roma 1',
        municipality: 'Esempio', email: `telefono.${RUN}@esempio.invalid`, pec: null, phone: null, founded_on: '2010-05-01' },
      participations: [{ area_id: String(area), representative: { name: 'Luca Verdi', email: `luca.tel.${RUN}@esempio.invalid`, phone: null } }],
      proposal: { title: 'Uno sportello di ascolto telefonico aperto la sera', text: 'Per chi non può venire di giorno.', area_ids: [String(area)] },
      privacy_accepted: true, declaration_accepted: true,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return new URL(body.manage_url).pathname;
}

let chromium;
let manage;
before(async () => {
  chromium = await launch();
  manage = await register();
});
after(async () => { await chromium?.close(); });

const pages = () => [
  '/',
  `/processi/${SLUG}`,
  `/processi/${SLUG}/manifestazione`,
  manage,
  `${manage}/patto`,
  `${manage}/tavoli`,
];

test('at 390 px no page is wider than the screen', async () => {
  for (const locale of ['it', 'en']) {
    for (const path of pages()) {
      const target = locale === 'en' ? withLang(path, 'en') : path;
      const page = await chromium.newPage({ locale, width: WIDTH, height: HEIGHT });
      try {
        await visit(page, target);
        const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
          const inner = window.innerWidth;
          // The element that sticks out the most, to name it in the failure.
          let widest = '';
          let right = inner;
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > right + 0.5) { right = r.right; widest = `${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)} px)`; }
          }
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth: inner, widest };
        });
        assert.ok(scrollWidth <= innerWidth, `${target} (${locale}) is ${scrollWidth} px wide at ${innerWidth} px; widest: ${widest}`);
      } finally {
        await closePage(page);
      }
    }
  }
});

test('the process page shows "Compila" within its first two screens', async () => {
  const page = await chromium.newPage({ width: WIDTH, height: HEIGHT });
  try {
    await visit(page, `/processi/${SLUG}`);
    const button = page.locator(`a.button[href="/processi/${SLUG}/manifestazione"]`).first();
    const box = await button.boundingBox();
    assert.ok(box, 'the button is shown');
    assert.ok(box.y + box.height <= 2 * HEIGHT, `the button ends at ${Math.round(box.y + box.height)} px, below two screens (${2 * HEIGHT} px)`);
    const deadline = await page.locator('.deadline-box').boundingBox();
    assert.ok(deadline && deadline.y < box.y, 'the deadline comes before the button');
  } finally {
    await closePage(page);
  }
});

test('the personal pages on a phone: no serious axe violations in both languages', async () => {
  for (const locale of ['it', 'en']) {
    for (const path of pages().slice(3)) {
      const target = locale === 'en' ? withLang(path, 'en') : path;
      const page = await chromium.newPage({ locale, width: WIDTH, height: HEIGHT, bypassCSP: true });
      try {
        await visit(page, target);
        const violations = await seriousViolations(page);
        assert.equal(violations.length, 0, formatViolations(`${target} (${locale}, ${WIDTH} px)`, violations));
      } finally {
        await closePage(page);
      }
    }
  }
});
