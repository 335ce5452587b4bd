// Issue 26: redaction before truncation. A secret at every offset around each cut of a message is replaced whole,
// never shown in part.
import { describe, expect, it } from 'vitest';
import { MAX_SERVER_MESSAGE, serverMessageOf } from '../../src/api/errors.js';
import { failureComment } from '../../src/action/report.js';
import { registerSecret, redactAndCut } from '../../src/redact.js';
import { show } from '../../src/render/fields.js';

const SECRET = 'Sup3r$ecretPW-77-straddle';
registerSecret(SECRET);

/** Every prefix of the secret longer than 3 characters: none may be shown. */
function leaks(text: string): boolean {
  for (let n = 4; n <= SECRET.length; n++) if (text.includes(SECRET.slice(0, n))) return true;
  return false;
}

/** Texts of about `cut` characters with the secret starting at every offset from well before to just after it. */
function around(cut: number): string[] {
  const out: string[] = [];
  for (let at = cut - SECRET.length - 3; at <= cut + 3; at++) out.push('x'.repeat(Math.max(0, at)) + SECRET + ' and more words after it');
  return out;
}

describe('redaction before truncation (issue 26)', () => {
  it('redactAndCut', () => {
    for (const t of around(100)) {
      const r = redactAndCut(t, 100);
      expect(leaks(r), r).toBe(false);
      expect(r.length).toBeLessThanOrEqual(100);
    }
  });

  it('a server message (500 characters; JSON, text and HTML titles)', () => {
    for (const t of around(MAX_SERVER_MESSAGE)) {
      for (const body of [JSON.stringify({ message: t }), t, `<html><title>${t.slice(-150)}</title></html>`]) {
        const m = serverMessageOf(body) ?? '';
        expect(leaks(m), m).toBe(false);
      }
    }
    for (const t of around(300)) expect(leaks(serverMessageOf(t) ?? '')).toBe(false);
  });

  it('a field value in a plan (cut at 200)', () => {
    for (const t of around(200)) expect(leaks(show(t))).toBe(false);
  });

  it('the failure comment, cut at the comment limit', () => {
    for (const limit of [1200, 1300]) {
      for (const t of around(limit - 400)) {
        const body = failureComment(`[E_X] ${t}`, [t], [], { paths: ['p'] }, limit);
        expect(leaks(body)).toBe(false);
      }
    }
  });
});
