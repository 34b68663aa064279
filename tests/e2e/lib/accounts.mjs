// Accounts for the journeys that sign in, created with `concerto user add` on the
// database of the server under test (CONCERTO_E2E_DATABASE_URL, which run.sh sets).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DATABASE_URL = process.env.CONCERTO_E2E_DATABASE_URL;
export const BINARY = process.env.CONCERTO_BIN
  || join(process.env.CARGO_TARGET_DIR || '/var/tmp/concerto-target', 'release', 'concerto');
export const SKIP_REASON = 'CONCERTO_E2E_DATABASE_URL is not set (an external CONCERTO_URL): '
  + 'the test cannot create its account; run it through run.sh without CONCERTO_URL, '
  + 'or set CONCERTO_E2E_DATABASE_URL to the database of the server under test';

/** Creates an account with the binary; the same account left by an earlier run is fine. */
export function createAccount({ email, password, role, ambito, name }) {
  if (!existsSync(BINARY)) throw new Error(`no concerto binary at ${BINARY} (set CARGO_TARGET_DIR or CONCERTO_BIN)`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONCERTO_')));
  const cwd = mkdtempSync(join(tmpdir(), 'concerto-e2e-user-'));
  const args = ['user', 'add', '--database-url', DATABASE_URL, '--email', email, '--role', role, '--name', name];
  if (ambito) args.push('--ambito', ambito);
  try {
    execFileSync(BINARY, args, {
      input: `${password}\n`,
      env: { ...env, NO_COLOR: '1', RUST_BACKTRACE: '0' },
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const stderr = String(e.stderr ?? '');
    if (/esiste già un account|already exists/i.test(stderr)) return;
    throw new Error(`concerto user add failed (${e.status ?? e.signal}): ${stderr || e.message}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
