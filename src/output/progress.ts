// The progress line of long commands (plan, apply), on stderr only. On a terminal: one live line, redrawn a few times
// a second and cleared at the end. Without one (CI logs): a plain line every few seconds at most, none for a run
// shorter than that. The engine only emits events (onProgress, onResult); the client keeps its counters (calls,
// retries, time waited on rate limits); this module renders them.
import type { ApiStats } from '../api/types.js';

export interface ProgressState {
  /** What is under way: `reading the live state`, `applying`, ... */
  phase: string;
  /** Objects read so far (live objects of the kinds read). */
  objectsRead?: number;
  kindsRead?: number;
  kindsTotal?: number;
  /** Changes carried out so far, out of `changesTotal`. */
  changesDone?: number;
  changesTotal?: number;
  failed?: number;
}

export interface Progress {
  update(state: Partial<ProgressState>): void;
  /** Writes other output (a result line) where the live line stands, then draws the live line again below it. */
  print(out: NodeJS.WritableStream, text: string): void;
  /** Stops and removes the line. */
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** The client's counters, read at each redraw. */
  stats?: () => ApiStats;
  /** Redraw interval on a terminal (ms; default 200) and between plain lines without one (default 5000). */
  ttyIntervalMs?: number;
  plainIntervalMs?: number;
  now?: () => number;
  /** The environment read for TERM (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const NONE: Progress = { update() {}, print: (out, text) => void out.write(text), stop() {} };

function n(v: number): string {
  return v.toLocaleString('en-US');
}

export function renderProgress(s: ProgressState, stats: ApiStats | undefined, elapsedMs: number): string {
  const parts: string[] = [s.phase];
  if (s.changesTotal !== undefined) parts.push(`${n(s.changesDone ?? 0)}/${n(s.changesTotal)} changes applied${s.failed ? ` (${n(s.failed)} failed)` : ''}`);
  if (s.kindsTotal !== undefined) parts.push(`${n(s.objectsRead ?? 0)} objects read (${s.kindsRead ?? 0}/${s.kindsTotal} kinds)`);
  if (stats) {
    parts.push(`${n(stats.calls)} calls`);
    parts.push(`${n(stats.retries)} retr${stats.retries === 1 ? 'y' : 'ies'}`);
    parts.push(`${((stats.rateLimitWaitMs ?? 0) / 1000).toFixed(1)} s waited on rate limits`);
  }
  parts.push(`${(elapsedMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

/** A progress reporter, or one that shows nothing when `enabled` is false. */
export function startProgress(enabled: boolean, initial: ProgressState, o: ProgressOptions = {}): Progress {
  if (!enabled) return NONE;
  const stream = o.stream ?? process.stderr;
  const now = o.now ?? Date.now;
  const started = now();
  const state: ProgressState = { ...initial };
  const line = () => renderProgress(state, o.stats?.(), now() - started);
  // a live line needs a terminal that moves the cursor: TERM=dumb gets the plain lines, never `\e[K`
  if (stream.isTTY && (o.env ?? process.env).TERM !== 'dumb') {
    const width = () => Math.max(20, (stream.columns || 80) - 1);
    let shown = false;
    const draw = () => {
      const text = line();
      stream.write(`\r${text.length > width() ? text.slice(0, width() - 1) + '…' : text}\x1b[K`);
      shown = true;
    };
    const clear = () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    };
    const timer = setInterval(draw, o.ttyIntervalMs ?? 200);
    timer.unref();
    draw();
    return {
      update: (s) => Object.assign(state, s),
      print: (out, text) => {
        clear();
        out.write(text);
        draw();
      },
      stop: () => {
        clearInterval(timer);
        clear();
      },
    };
  }
  const timer = setInterval(() => stream.write(`${line()}\n`), o.plainIntervalMs ?? 5000);
  timer.unref();
  return {
    update: (s) => Object.assign(state, s),
    print: (out, text) => void out.write(text),
    stop: () => clearInterval(timer),
  };
}
