// The progress line: live on a terminal (redrawn, cleared at the end), a plain line every few seconds in a log (none
// for a short run), nothing at all when turned off.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { renderProgress, startProgress } from '../../src/output/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream };
}
const stats = { calls: 12, retries: 2, byEndpoint: {}, byKind: {}, rateLimitWaitMs: 1500 };

describe('progress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('the line names changes out of the total, objects read, calls, retries and time waited on rate limits', () => {
    expect(renderProgress({ phase: 'apply', changesDone: 120, changesTotal: 500, failed: 1 }, stats, 9100)).toBe(
      'apply · 120/500 changes applied (1 failed) · 12 calls · 2 retries · 1.5 s waited on rate limits · 9.1 s',
    );
    expect(renderProgress({ phase: 'plan: reading the live state', objectsRead: 2010, kindsRead: 1, kindsTotal: 3 }, stats, 0)).toContain('2,010 objects read (1/3 kinds)');
  });

  test('on a terminal: one line redrawn in place, cleared by stop()', () => {
    const { writes, stream } = fakeStream(true);
    let now = 0;
    const p = startProgress(true, { phase: 'apply', changesDone: 0, changesTotal: 3 }, { stream, stats: () => stats, now: () => now, env: { TERM: 'xterm' } });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r apply|^\rapply · 0\/3 changes applied/);
    p.update({ changesDone: 2 });
    now = 1000;
    vi.advanceTimersByTime(200);
    expect(writes.at(-1)).toMatch(/^\rapply · 2\/3 changes applied .* · 1\.0 s\x1b\[K$/);
    expect(writes.every((w) => !w.includes('\n'))).toBe(true);
    const out: string[] = [];
    p.print({ write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream, '+ Exception/x: created\n');
    expect(out).toEqual(['+ Exception/x: created\n']);
    expect(writes.at(-2)).toBe('\r\x1b[K'); // cleared before the result line, drawn again after it
    expect(writes.at(-1)).toMatch(/^\rapply · 2\/3/);
    p.stop();
    expect(writes.at(-1)).toBe('\r\x1b[K');
    const n = writes.length;
    vi.advanceTimersByTime(5000);
    expect(writes).toHaveLength(n);
  });

  test('without a terminal: a plain line every 5 s at most, none for a shorter run', () => {
    const short = fakeStream(false);
    const p1 = startProgress(true, { phase: 'plan' }, { stream: short.stream });
    vi.advanceTimersByTime(4900);
    p1.stop();
    expect(short.writes).toEqual([]);
    const long = fakeStream(false);
    const p2 = startProgress(true, { phase: 'apply', changesDone: 0, changesTotal: 9 }, { stream: long.stream, stats: () => stats });
    vi.advanceTimersByTime(12_000);
    p2.stop();
    expect(long.writes).toHaveLength(2);
    expect(long.writes.every((w) => /^apply · 0\/9 changes applied .*\n$/.test(w) && !w.includes('\r'))).toBe(true);
  });

  test('TERM=dumb: a terminal that cannot move the cursor gets the plain lines, never \\e[K or \\r', () => {
    const { writes, stream } = fakeStream(true);
    const p = startProgress(true, { phase: 'apply', changesDone: 0, changesTotal: 9 }, { stream, env: { TERM: 'dumb' } });
    vi.advanceTimersByTime(10_000);
    p.stop();
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => !w.includes('\x1b') && !w.includes('\r') && w.endsWith('\n'))).toBe(true);
  });

  test('turned off (--quiet): nothing', () => {
    const { writes, stream } = fakeStream(true);
    const p = startProgress(false, { phase: 'apply' }, { stream });
    p.update({ changesDone: 1 });
    vi.advanceTimersByTime(10_000);
    p.stop();
    expect(writes).toEqual([]);
  });
});
