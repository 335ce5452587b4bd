// The one rule for untrusted text. Every value that came from a declaration or the API (names, ids, messages,
// field values) is text, never markup or control: the renderers and reporters receive their model through
// `plainModel` (every string of it made printable, once) and put values into markdown only through `md`; the
// Action's log lines go through `logSafe`. The per-medium rules:
// - terminal (and the baseline of every human medium): C0/C1 controls, DEL, the line/paragraph separators and the
//   bidi overrides/isolates are shown escaped (`\e`, `\n`, `\r`, `\t`, `\u0007`, `\u202e`); a value is one line.
// - markdown: on top of that, every Markdown/HTML metacharacter is escaped for where the value stands (text,
//   code span with a fence longer than any backtick run in it, raw HTML, fenced block).
// - Actions log: no line a runner would read as a workflow command (`::` or `##[` at the start after trim);
//   command data itself (core.warning/error/setFailed) is escaped by @actions/core (`%`, `\r`, `\n`).
// - json: JSON.stringify, nothing else.
// `before`, `after` and `patch` (the field values of a change) are kept raw: they are structured data shown only
// through render/fields.ts's `show()` and paths, which escape what they print.
import { redact } from '../redact.js';

// C0 (but \n and \t are handled below too), DEL, C1, U+2028/2029, bidi marks, embeddings, overrides, isolates.
// eslint-disable-next-line no-control-regex -- matching the controls is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\u001b': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A value as one printable line: every control, separator and bidi character shown escaped. Idempotent. */
export function plain(s: string): string {
  return String(s).replace(UNPRINTABLE, escapeChar);
}

/** Text that keeps its own line breaks and tabs (a message of ours holding values): everything else escaped. */
export function plainLines(s: string): string {
  return String(s).replace(UNPRINTABLE, (c) => (c === '\n' || c === '\t' ? c : escapeChar(c)));
}

// eslint-disable-next-line no-control-regex -- the colour codes the text renderer writes
const SGR = /\u001b\[[0-9;]*m/y;

/** The last guard of the terminal: every control but line breaks, tabs and colour (SGR) codes shown escaped. */
export function terminalSafe(text: string): string {
  return String(text).replace(UNPRINTABLE, (c, at: number) => {
    if (c === '\n' || c === '\t') return c;
    if (c === '\u001b') {
      SGR.lastIndex = at;
      if (SGR.test(text)) return c;
    }
    return escapeChar(c);
  });
}

/** Keys of a change whose values are structured data, shown only through render/fields.ts (which escapes). */
const RAW_KEYS = new Set(['before', 'after', 'patch', 'spec']);

/** The model (a plan, an apply result, an event) with every string made `plain`, except the raw field values.
 * Plain objects and arrays are copied; anything else (functions, class instances) is kept as it is. */
export function plainModel<T>(v: T): T {
  return deep(v) as T;
}

function deep(v: unknown): unknown {
  if (typeof v === 'string') return plain(v);
  if (Array.isArray(v)) return v.map(deep);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = RAW_KEYS.has(k) ? x : deep(x);
    return out;
  }
  return v;
}

// ---- markdown ----------------------------------------------------------------------------------------
// Escaping changes a value's characters, so a secret in it would no longer be found by the final redaction: each
// helper redacts the value first.

// Always escaped: what opens code, emphasis, links/images, HTML, entities, table cells, strikethrough, GitHub's math,
// issue references; `_` and `@` (mentions) where they can open or close something (not inside a word).
const MD_ALWAYS = /[\\`*[\]<>&|~$#]|(?<![A-Za-z0-9])[_@]|_(?![A-Za-z0-9])/g;
// A block marker at the start of the value (a list, a heading, a quote, a setext underline, an ordered list).
// (`-1` or `+value` is text: a marker needs a space, the end or another marker after it.)
const MD_LEADING = /^(?:[-+=](?![A-Za-z0-9])|(\d+)[.)](?![A-Za-z0-9]))/;
const HTML = /[<>&"'`|*_[\]\\]/g;

export const md = {
  /** A value in markdown text (a paragraph, a list item, a table cell): every metacharacter backslash-escaped. */
  text(s: string): string {
    return plain(redact(s))
      .replace(MD_ALWAYS, '\\$&')
      .replace(MD_LEADING, (m, digits?: string) => (digits ? `${digits}\\${m.slice(digits.length)}` : `\\${m}`));
  },
  /** A value in raw HTML (e.g. inside <summary>): entities for every HTML and Markdown metacharacter. */
  html(s: string): string {
    return plain(redact(s)).replace(HTML, (c) => `&#${c.charCodeAt(0)};`);
  },
  /** A value as a code span: a fence longer than any backtick run inside it; `|` escaped (GFM tables split on it). */
  code(s: string): string {
    const v = plain(redact(s)).replace(/\|/g, '\\|');
    const fence = '`'.repeat(longestRun(v, '`') + 1);
    const pad = v.startsWith('`') || v.endsWith('`') || (v.startsWith(' ') && v.endsWith(' ') && v.trim() !== '') ? ' ' : '';
    return `${fence}${pad}${v}${pad}${fence}`;
  },
  /** A fenced code block of lines holding values: their own line breaks are kept, every other control escaped, and
   * the fence is longer than any backtick or tilde run, so nothing leaves the block. */
  fence(body: string, info = ''): string {
    const text = plainLines(body);
    const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
    return `${fence}${info}\n${text}\n${fence}\n`;
  },
};

function longestRun(s: string, c: string): number {
  let best = 0;
  let run = 0;
  for (const ch of s) {
    run = ch === c ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

// ---- the Actions log ---------------------------------------------------------------------------------

/** A line the runner would read as a command: `::name …::` or the older `##[name]`, after leading whitespace. */
export function isWorkflowCommand(line: string): boolean {
  const t = line.trimStart();
  return t.startsWith('::') || t.startsWith('##[');
}

/** Text for the Actions log (core.info): values made plain, and no line a runner would read as a workflow command
 * (such a line is shown behind `| `). Our own line breaks stay. */
export function logSafe(text: string): string {
  return plainLines(text)
    .split('\n')
    .map((l) => (isWorkflowCommand(l) ? `| ${l}` : l))
    .join('\n');
}
