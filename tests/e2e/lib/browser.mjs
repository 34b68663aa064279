// Shared helpers for Concerto's browser tests: the server under test, the list of
// public pages, a headless Debian Chromium driven by playwright-core, and axe-core.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const E2E_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(dirname(E2E_DIR));
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts');

/** The server under test, without a trailing slash. `run.sh` sets it. */
export const BASE_URL = (() => {
  const url = process.env.CONCERTO_URL;
  if (!url) {
    throw new Error('CONCERTO_URL is not set: run the tests through tests/e2e/run.sh, '
      + 'or set CONCERTO_URL=http://127.0.0.1:8080 for a server already running');
  }
  return url.replace(/\/+$/, '');
})();

export const CHROMIUM = process.env.CONCERTO_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An absolute URL on the server under test. */
export function url(path) {
  return BASE_URL + path;
}

/** `path` with `?lang=CODE` (or `&lang=CODE`) added. */
export function withLang(path, lang) {
  return path + (path.includes('?') ? '&' : '?') + 'lang=' + lang;
}

/**
 * Launches the Debian Chromium, headless, with a fresh temporary profile that
 * `close()` removes. Never downloads a browser. Returns an object with the
 * `browser` and a `newPage(options)` that opens a page in its own context.
 */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'concerto-e2e-profile-'));
  // A persistent context is the way playwright accepts our own user-data-dir; the
  // other contexts (per locale, without JavaScript, with CSP bypassed for axe) are
  // opened as incognito contexts of the same browser.
  const persistent = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  const browser = persistent.browser();
  if (!browser) throw new Error('playwright returned no browser for the persistent context');
  return {
    browser,
    /**
     * A new page in a fresh context.
     * - locale: 'it' or 'en', sent as Accept-Language (default 'it')
     * - javaScriptEnabled: false to browse as without JavaScript
     * - bypassCSP: true only to inject axe-core (the site forbids inline scripts)
     * - width/height: the viewport in CSS pixels (default 1280×800)
     */
    async newPage({ locale = 'it', javaScriptEnabled = true, bypassCSP = false, width = 1280, height = 800 } = {}) {
      const context = await browser.newContext({
        locale: locale === 'en' ? 'en-GB' : 'it-IT',
        extraHTTPHeaders: { 'Accept-Language': locale === 'en' ? 'en-GB,en;q=0.9' : 'it-IT,it;q=0.9' },
        javaScriptEnabled,
        bypassCSP,
        viewport: { width, height },
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      return page;
    },
    async close() {
      try {
        await persistent.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Closes a page together with its context. */
export async function closePage(page) {
  await page.context().close();
}

// ---------------------------------------------------------------------------
// The public pages

/** The slugs of every process, from the JSON API, so new processes are covered. */
export async function processSlugs() {
  const response = await fetch(url('/api/v1/processes'), { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`GET /api/v1/processes answered ${response.status}`);
  const body = await response.json();
  if (!Array.isArray(body.processes)) throw new Error('GET /api/v1/processes: no "processes" array');
  return body.processes.map((p) => p.slug);
}

/** The processes the demo is known to load: each must still be listed by the API. */
export const DEMO_SLUGS = [
  'casarano-2022-2024',
  'lecce-2014-2016',
  'fasano-2022-2024',
  'nardo-2022-2024',
  'esempio-2026-2028',
];

/**
 * Every public HTML page as `{ path, status }`: home, each process page and its
 * notice, the accessibility statement, the privacy page, a 404 page and the
 * observatory's catalogue, a search, a record and the statistics.
 * Throws if a demo process is missing from the API.
 */
export async function publicPages() {
  const slugs = await processSlugs();
  const missing = DEMO_SLUGS.filter((s) => !slugs.includes(s));
  if (missing.length) throw new Error(`the API does not list the demo processes ${missing.join(', ')}`);
  const pages = [{ path: '/', status: 200 }];
  for (const slug of slugs) {
    pages.push({ path: `/processi/${slug}`, status: 200 });
    pages.push({ path: `/processi/${slug}/avviso`, status: 200 });
  }
  pages.push({ path: '/processi/esempio-2026-2028/manifestazione', status: 200 });
  for (const tail of ['verbali', 'priorita', 'cabina-di-regia', 'monitoraggio']) {
    pages.push({ path: `/processi/esempio-2026-2028/${tail}`, status: 200 });
  }
  // A session's own page (issue 19), the first of the open process.
  const esempio = await (await fetch(url('/api/v1/processes/esempio-2026-2028'))).json();
  pages.push({ path: `/processi/esempio-2026-2028/sessioni/${esempio.sessions[0].id}`, status: 200 });
  pages.push({ path: '/accedi', status: 200 });
  pages.push({ path: '/accedi/password', status: 200 });
  pages.push({ path: '/accessibilita', status: 200 });
  pages.push({ path: '/privacy', status: 200 });
  pages.push({ path: '/processi/esempio-2026-2028/privacy', status: 200 });
  pages.push({ path: '/processi/nessuno', status: 404 });
  // The observatory: the catalogue, a search with highlighted words and a facet, the
  // Nardò record with its history and form, the statistics with their charts.
  const found = await fetch(url('/api/v1/observatory?q=nardo'));
  if (found.status !== 200) throw new Error(`GET /api/v1/observatory answered ${found.status}`);
  const { records } = await found.json();
  if (!records?.length) throw new Error('the observatory does not find the Nardò record');
  pages.push({ path: '/osservatorio', status: 200 });
  pages.push({ path: '/osservatorio?q=violenza&province=LE', status: 200 });
  pages.push({ path: `/osservatorio/${records[0].id}`, status: 200 });
  pages.push({ path: '/osservatorio/statistiche', status: 200 });
  return pages;
}

/** Every public page in Italian (by Accept-Language) and in English (by `?lang=en`). */
export async function publicPagesInBothLocales() {
  const pages = await publicPages();
  return [
    ...pages.map((p) => ({ ...p, locale: 'it', target: p.path })),
    ...pages.map((p) => ({ ...p, locale: 'en', target: withLang(p.path, 'en') })),
  ];
}

/** Opens `target` and checks the HTTP status; returns the response. */
export async function visit(page, target, expectedStatus = 200) {
  const response = await page.goto(url(target), { waitUntil: 'load' });
  if (!response) throw new Error(`no response for ${target}`);
  if (response.status() !== expectedStatus) {
    throw new Error(`GET ${target} answered ${response.status()}, expected ${expectedStatus}`);
  }
  return response;
}

// ---------------------------------------------------------------------------
// axe-core

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
// Rules whose "needs review" (incomplete) results are certain defects all the same:
// axe only hedges on aria-prohibited-attr because the element also has text, yet a
// name on a role that prohibits naming (p, span, div…) is ignored or misread by
// assistive technologies either way.
const STRICT_INCOMPLETE = new Set(['aria-prohibited-attr']);

/**
 * Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules plus best practices) in the page
 * and returns the violations of impact serious or critical (plus the "needs review"
 * results of the rules in STRICT_INCOMPLETE). Works in any context, with or without
 * `bypassCSP`.
 */
export async function seriousViolations(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy
  // does not govern, so this works in contexts with the real CSP too (a `<script>`
  // added to the page would be blocked there).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations', 'incomplete'],
    });
  });
  const strict = results.incomplete
    .filter((v) => STRICT_INCOMPLETE.has(v.id))
    .map((v) => ({ ...v, id: `${v.id} (axe: needs review)` }));
  return [...results.violations, ...strict]
    .filter((v) => BLOCKING_IMPACTS.has(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
}

/** A readable account of axe violations, one rule per paragraph. */
export function formatViolations(label, violations) {
  const lines = [`${label}: ${violations.length} serious or critical accessibility violation(s)`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`      at ${n.target}`);
      lines.push(`         ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (n.summary) lines.push(`         ${n.summary.replace(/\s*\n\s*/g, ' / ').slice(0, 300)}`);
    }
    if (v.nodes.length > 10) lines.push(`      … and ${v.nodes.length - 10} more`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// The keyboard

/** A short description of the focused element (tag, id, name, type, href, text). */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', id: '', name: '', type: '', text: '', href: null, value: '' };
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name') || '',
      type: el.getAttribute('type') || '',
      text: (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 80),
      href: el.getAttribute('href'),
      value: 'value' in el ? String(el.value) : '',
    };
  });
}

/** `focused(page)` as one line, for messages. */
export function describeFocus(f) {
  const attrs = [
    f.id ? ` id="${f.id}"` : '',
    f.name ? ` name="${f.name}"` : '',
    f.type ? ` type="${f.type}"` : '',
    f.href ? ` href="${f.href}"` : '',
  ].join('');
  return `<${f.tag}${attrs}> "${f.text}"`;
}

/**
 * Presses Tab (or `key`, e.g. 'Shift+Tab') until `predicate(focused)` holds, at most
 * `max` times, and returns the focused element's description; fails listing the stops
 * seen otherwise.
 */
export async function tabTo(page, predicate, what, max = 80, key = 'Tab') {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    seen.push(describeFocus(f));
    if (predicate(f)) return f;
  }
  throw new Error(`${what} never got the focus in ${max} ${key} presses; focus went to:\n  ${seen.slice(-40).join('\n  ')}`);
}

/**
 * Presses `key` (Enter on a link or a submit button) and waits for the document it
 * loads; returns the main response (after redirects, the last one).
 */
export async function pressAndLoad(page, key = 'Enter') {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.keyboard.press(key),
  ]);
  if (!response) throw new Error(`pressing ${key} loaded no document`);
  return response;
}

/**
 * Irreversible and mass-mailing actions ask first on a confirmation page, a plain
 * form that works without JavaScript: Tab to its button and press Enter, as a person
 * would. Returns the response that follows the confirmation.
 */
export async function confirmByKeyboard(page) {
  const button = page.locator('form.confirm-form button[type="submit"]');
  if ((await button.count()) !== 1) {
    throw new Error(`${page.url()} is not a confirmation page: ${(await page.content()).slice(0, 400)}`);
  }
  const label = (await button.innerText()).trim().replace(/\s+/g, ' ');
  await tabTo(page, (f) => f.tag === 'button' && f.text === label, `the confirmation button "${label}"`, 120);
  return pressAndLoad(page);
}
