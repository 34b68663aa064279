// Someone who knows about the Nardò process finds it in the observatory with the
// keyboard alone and proposes to complete its record ("Integra le informazioni").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, url, focused, describeFocus, tabTo, pressAndLoad, seriousViolations, formatViolations } from './lib/browser.mjs';

let chromium;

before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

test('journey: search the observatory without the accent, open the record, propose a completion', async (t) => {
  const page = await chromium.newPage({ locale: 'it' });
  try {
    assert.equal((await page.goto(url('/'))).status(), 200);
    await tabTo(page, (f) => f.href === '/osservatorio', 'the header link "Osservatorio"');
    let response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/osservatorio');

    await tabTo(page, (f) => f.id === 'q', 'the search field');
    await page.keyboard.type('nardo');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'nardo');
    const marks = await page.locator('.results mark').allInnerTexts();
    assert.ok(marks.includes('Nardò'), `the accented word is highlighted; marks: ${marks.join(', ')}`);
    await t.test('axe on the results', async () => {
      const v = await seriousViolations(page);
      assert.equal(v.length, 0, formatViolations('/osservatorio?q=nardo', v));
    });

    await tabTo(page, (f) => /^\/osservatorio\/\d+$/.test(f.href ?? ''), 'the first result');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.match(await page.locator('h1').innerText(), /Nardò/);
    assert.match(await page.locator('#territory-heading + dl').innerText(), /Porto Cesareo/);

    // Sent without name, e-mail or consent: the summary names each field and links to it.
    await tabTo(page, (f) => f.id === 'c-results', 'the "Risultati" field');
    await page.keyboard.type(' Piano adottato dal Coordinamento Istituzionale.');
    await tabTo(page, (f) => f.tag === 'button' && /Invia la proposta/.test(f.text), 'the submit button');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 422);
    const links = await page.locator('#error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#c-name', '#c-email', '#c-privacy_accepted']);
    for (const id of ['c-name', 'c-email', 'c-privacy_accepted']) {
      const described = await page.getAttribute(`#${id}`, 'aria-describedby');
      assert.ok(described, `#${id} is described by its error`);
      assert.ok((await page.locator(`#${described}`).innerText()).length > 0);
    }
    assert.match(await page.inputValue('#c-results'), /Piano adottato/, 'what was typed is kept');
    await t.test('axe on the error state', async () => {
      const v = await seriousViolations(page);
      assert.equal(v.length, 0, formatViolations('the completion form with errors', v));
    });

    await page.focus('#error-summary');
    await tabTo(page, (f) => f.href === '#c-name', 'the summary link to the name');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'c-name', `Enter on the summary link focuses the field, got ${describeFocus(await focused(page))}`);
    await page.keyboard.type('Anna Bianchi');
    await page.keyboard.press('Tab');
    await page.keyboard.type('anna.bianchi@example.org');
    await tabTo(page, (f) => f.id === 'c-privacy_accepted', 'the consent box');
    await page.keyboard.press('Space');
    await tabTo(page, (f) => f.tag === 'button' && /Invia la proposta/.test(f.text), 'the submit button');
    response = await pressAndLoad(page);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('inviata'), '1');
    assert.match(await page.locator('#integra [role="status"]').innerText(), /moderatore/);
    assert.doesNotMatch(await page.locator('#features-heading ~ p').allInnerTexts().then((t) => t.join(' ')), /Piano adottato dal Coordinamento/,
      'the proposal is not shown before a moderator accepts it');
  } finally {
    await page.context().close();
  }
});
