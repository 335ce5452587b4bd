// JSON helpers shared by the whole program: canonical (sorted-key) text, JSON pointers (RFC 6901) and the
// `a[0].b` paths the plan and the diagnostics print.

/** A copy with object keys sorted at every level and undefined members dropped; arrays keep their order. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) out[k] = sortKeysDeep(obj[k]);
    return out;
  }
  return value;
}

/** JSON with object keys sorted at every level: equal data always gives equal text (undefined stays undefined). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

/** Deep equality of two JSON values, ignoring object key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** True when `a` and `b` are the same JSON structure: the same own keys (in any order) with identical values, arrays
 * item by item. Strict (NaN differs from itself, a key set to undefined differs from a missing one), so equal here
 * means a JSON patch between them is empty. */
export function identicalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!identicalJson(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !identicalJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** One JSON-pointer reference token encoded (`~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One JSON-pointer reference token decoded (`~1` → `/`, then `~0` → `~`). */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The decoded reference tokens of a JSON pointer (`/a/b~1c` → `['a', 'b/c']`); `''` → `[]`. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.split('/').slice(1).map(unescapePointerToken);
}

/** Joins path segments as `a[0].b`: numbers in brackets, identifiers (as `ident` tells) dotted, other keys quoted. */
function joinPath(segments: Iterable<string | number>, ident: RegExp): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (ident.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `/a/0/b` → `a[0].b` (the plan's field paths) */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  return joinPath(pointerTokens(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s)), /^[A-Za-z_$][\w$]*$/);
}

/** `['spec', 'rules', 2, 'ipAddress']` → `spec.rules[2].ipAddress` (the diagnostics' paths; `-` is allowed in a
 * dotted key, and a key longer than 60 characters (it can be megabytes long) shows its start only). */
export function formatPath(path: readonly (string | number)[]): string {
  const shown = path.map((s) => (typeof s === 'string' && s.length > 60 ? `${s.slice(0, 57)}...` : s));
  return joinPath(shown, /^[A-Za-z_$][\w$-]*$/);
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const seg of pointerTokens(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
