// A newcomer reads about a process with the keyboard alone, in Italian, then
// switches to English; every focus stop on the home page is visibly marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, closePage, url } from './lib/browser.mjs';

const CASARANO = '/processi/casarano-2022-2024';
let chromium;

before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

/** A short description of the focused element, for messages. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', text: '', href: null, id: '' };
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      cls: el.className,
      text: (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 80),
      href: el.getAttribute('href'),
    };
  });
}

function show(f) {
  return `<${f.tag}${f.id ? ` id="${f.id}"` : ''}${f.href ? ` href="${f.href}"` : ''}> "${f.text}"`;
}

/** Presses Tab until `predicate(focused)` holds, at most `max` times; returns the stops seen. */
async function tabUntil(page, predicate, what, max = 60) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(show(f));
    if (predicate(f)) return seen;
  }
  assert.fail(`${what} never got the focus in ${max} Tab presses; focus went to:\n  ${seen.join('\n  ')}`);
}

/** Text of the date cell in the calendar row whose header starts with `label`. */
async function calendarDate(page, label) {
  const rows = await page.locator('table.calendar tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const th = tr.querySelector('th[scope="row"]');
      // The row header is the label, optionally followed by a title in a span.
      const label = th ? [...th.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim() : '';
      const td = tr.querySelectorAll('td')[0];
      return { label, date: td ? td.innerText.trim() : '' };
    }));
  const row = rows.find((r) => r.label === label);
  assert.ok(row, `no calendar row "${label}"; rows are: ${rows.map((r) => r.label).join(', ')}`);
  return row.date;
}

test('journey: from the home page to a process and its calendar with the keyboard alone', async () => {
  const page = await chromium.newPage({ locale: 'it' });
  try {
    const response = await page.goto(url('/'));
    assert.equal(response.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'it');

    // 1. The first Tab reaches the skip link, and it is the first focusable element.
    await page.keyboard.press('Tab');
    let f = await focused(page);
    assert.equal(f.href, '#main', `the first Tab stop should be the skip link, got ${show(f)}`);
    const firstFocusable = await page.evaluate(() => {
      const sel = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), summary, iframe';
      // In document order, the first one that is rendered (off-screen still counts).
      const el = [...document.querySelectorAll(sel)].find((e) => !e.disabled && e.getClientRects().length > 0);
      return el ? el.outerHTML.slice(0, 120) : null;
    });
    assert.match(firstFocusable ?? '', /href="#main"/, `the first focusable element is not the skip link: ${firstFocusable}`);
    const skipBox = await page.evaluate(() => ({ ...document.activeElement.getBoundingClientRect().toJSON(), vw: innerWidth }));
    assert.ok(skipBox.left >= 0 && skipBox.top >= 0 && skipBox.right <= skipBox.vw && skipBox.width > 0,
      `the focused skip link is not on screen: ${JSON.stringify(skipBox)}`);

    // 2. Enter on the skip link moves the focus to <main id="main">.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main', null, { timeout: 5000 })
      .catch(async () => assert.fail(`after Enter on the skip link the focus is on ${show(await focused(page))}, not #main`));

    // 3. Tab on to the Casarano process and open it with Enter.
    await tabUntil(page, (x) => x.href === CASARANO, `the link to ${CASARANO}`);
    await Promise.all([page.waitForURL(url(CASARANO)), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, CASARANO);
    assert.match(await page.locator('h1').innerText(), /Casarano|Piano/i);

    // 4. The calendar: a dated table and two tables whose date is still to be fixed.
    assert.equal(await calendarDate(page, 'Tavolo 1'), '13/06/2022');
    assert.equal(await calendarDate(page, 'Tavolo 3'), 'data da definire');
    assert.equal(await calendarDate(page, 'Tavolo 6'), 'data da definire');

    // 5. Tab to the language switch and change to English with Enter.
    await tabUntil(page, (x) => x.tag === 'a' && x.text === 'English', 'the language switch "English"');
    await Promise.all([page.waitForURL(/[?&]lang=en\b/), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, CASARANO, 'the language switch left the page');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await calendarDate(page, 'Table 1'), '13/06/2022');
    assert.equal(await calendarDate(page, 'Table 3'), 'date to be fixed');
    assert.equal(await calendarDate(page, 'Table 6'), 'date to be fixed');

    // 6. The calendar feed linked from the page answers as iCalendar.
    const href = await page.locator('a[href$="calendario.ics"]').first().getAttribute('href');
    assert.equal(href, `${CASARANO}/calendario.ics`);
    const feed = await page.request.get(url(href));
    assert.equal(feed.status(), 200);
    assert.match(feed.headers()['content-type'] ?? '', /^text\/calendar\b/);
    const body = await feed.text();
    assert.match(body, /^BEGIN:VCALENDAR\r?\n/);
    assert.match(body, /BEGIN:VEVENT/);
  } finally {
    await closePage(page);
  }
});

test('journey: the first 15 Tab stops of the home page show a visible focus indicator', async () => {
  for (const locale of ['it', 'en']) {
    const page = await chromium.newPage({ locale });
    try {
      await page.goto(url('/'));
      const problems = [];
      const stops = [];
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        const s = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const cs = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return {
            desc: `<${el.tagName.toLowerCase()}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> "${(el.innerText || '').trim().slice(0, 40)}"`,
            outlineStyle: cs.outlineStyle,
            outlineWidth: parseFloat(cs.outlineWidth) || 0,
            boxShadow: cs.boxShadow,
            visible: r.width > 0 && r.height > 0,
          };
        });
        if (!s) break; // the end of the page
        stops.push(s.desc);
        const outlined = s.outlineStyle !== 'none' && s.outlineWidth > 0;
        const shadowed = s.boxShadow && s.boxShadow !== 'none';
        if (!outlined && !shadowed) problems.push(`stop ${i + 1} ${s.desc}: outline ${s.outlineStyle} ${s.outlineWidth}px, box-shadow ${s.boxShadow}`);
        if (!s.visible) problems.push(`stop ${i + 1} ${s.desc}: has no size on screen`);
      }
      assert.ok(stops.length >= 5, `(${locale}) only ${stops.length} Tab stops on the home page`);
      assert.deepEqual(problems, [], `(${locale}) focus not visible:\n  ${problems.join('\n  ')}`);
    } finally {
      await closePage(page);
    }
  }
});
