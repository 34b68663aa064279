// The messages the server under test sent, as the SMTP sink that run.sh starts
// received them: one JSON object per message, with `rcpt_tos`, `subject` and `body`.
import { existsSync, readFileSync } from 'node:fs';

/** Every message received so far. */
export function sentMail() {
  const path = process.env.CONCERTO_E2E_SINK;
  if (!path) throw new Error('CONCERTO_E2E_SINK is not set: run the tests through tests/e2e/run.sh');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/**
 * The first message that `matches`, waiting for the outbox worker to send it.
 * Fails after `timeoutMs`, listing what did arrive.
 */
export async function waitForMail(matches, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = sentMail().find(matches);
    if (found) return found;
    if (Date.now() > until) {
      const seen = sentMail().map((m) => `${m.rcpt_tos.join(',')}: ${m.subject}`).join('\n  ');
      throw new Error(`no matching message within ${timeoutMs} ms; received:\n  ${seen || '(none)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
