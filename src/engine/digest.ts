// The digest of a plan: what a reviewer approved, as one sha256. For each change its kind, name, action (a
// rename's old name) and every field's old → new value (the plan's field diff), in a stable order. Nothing else — no timestamps, ids,
// counts of unchanged or unmanaged objects, live fingerprints — so an unrelated edit elsewhere in the account
// keeps the digest, and any change to what would be applied moves it. Pure.
import { PlanError } from '../errors.js';
import type { Plan, PlannedChange } from './model.js';
import { stableStringify, valueAt } from '../json.js';
import { sha256 } from './util.js';

/** One field of a change: JSON pointer, old value (absent for an added field), new value (absent for a removed one). */
interface DigestField {
  p: string;
  o?: unknown;
  n?: unknown;
}

interface DigestEntry {
  kind: string;
  name: string;
  action: string;
  fields: DigestField[];
  /** A rename's old name (absent otherwise, so the digests of other changes stay as they were). */
  from?: string;
}

export interface PlanDigests {
  /** sha256 hex over every change. */
  digest: string;
  /** `Kind/name` → sha256 hex over that object's change(s). */
  objects: Record<string, string>;
}

/** What a reviewed plan left to compare with: the digest, and (when known) the per-object digests, maybe shortened. */
export interface ExpectedDigest {
  digest: string;
  objects?: Record<string, string>;
}

/** Shortest per-object digest prefix accepted (hex characters). */
export const MIN_OBJECT_DIGEST = 12;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function fieldsOf(c: PlannedChange): DigestField[] {
  const before = c.before ?? {};
  const out: DigestField[] = c.patch.map((op) => {
    const f: DigestField = { p: op.path };
    if (op.op !== 'add') f.o = valueAt(before, op.path) ?? null;
    if (op.op === 'add' || op.op === 'replace') f.n = (op as { value: unknown }).value ?? null;
    return f;
  });
  // the patch lists fields in the order of the objects' keys, which the gateway may vary: sort by pointer
  return out.sort((a, b) => cmp(a.p, b.p) || cmp(stableStringify(a), stableStringify(b)));
}

function entryOf(c: PlannedChange): DigestEntry {
  return { kind: c.kind, name: c.name, action: c.action, fields: fieldsOf(c), ...(c.renamedFrom !== undefined ? { from: c.renamedFrom } : {}) };
}

/** The changes' entries, each serialized once (sorted keys), in digest order: kind, name, action, then content. */
function sortedEntries(plan: Pick<Plan, 'changes'>): Array<{ key: string; text: string; entry: DigestEntry }> {
  return plan.changes
    .map((c) => {
      const entry = entryOf(c);
      return { key: objectKey(entry), text: stableStringify(entry), entry };
    })
    .sort((a, b) => cmp(a.entry.kind, b.entry.kind) || cmp(a.entry.name, b.entry.name) || cmp(a.entry.action, b.entry.action) || cmp(a.text, b.text));
}

/** sha256 of a JSON array of already serialized elements (the same text stableStringify gives the array). */
const digestOfList = (texts: string[]): string => sha256(`[${texts.join(',')}]`);

export const objectKey = (c: { kind: string; name: string }): string => `${c.kind}/${c.name}`;

/** sha256 hex of the plan's changes. */
export function planDigest(plan: Pick<Plan, 'changes'>): string {
  return digestOfList(sortedEntries(plan).map((e) => e.text));
}

/** The plan's digest and one digest an object. */
export function planDigests(plan: Pick<Plan, 'changes'>): PlanDigests {
  const entries = sortedEntries(plan);
  const byObject = new Map<string, string[]>();
  for (const e of entries) {
    const list = byObject.get(e.key);
    if (list) list.push(e.text);
    else byObject.set(e.key, [e.text]);
  }
  const objects: Record<string, string> = {};
  for (const [k, texts] of byObject) objects[k] = digestOfList(texts);
  return { digest: digestOfList(entries.map((e) => e.text)), objects };
}

/** Shortens per-object digests (for a compact hidden comment); the plan digest stays whole. */
export function shortDigests(d: PlanDigests, length = 16): PlanDigests {
  const objects: Record<string, string> = {};
  for (const k of Object.keys(d.objects).sort()) objects[k] = d.objects[k]!.slice(0, Math.max(MIN_OBJECT_DIGEST, length));
  return { digest: d.digest, objects };
}

export function isDigest(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** The objects whose changes differ between a reviewed plan and a fresh one, each with why. */
export function digestDifferences(expected: ExpectedDigest, fresh: Pick<Plan, 'changes'>): string[] {
  const actual = planDigests(fresh);
  if (expected.digest === actual.digest) return [];
  const actions = new Map<string, string[]>();
  for (const c of fresh.changes) actions.set(objectKey(c), [...(actions.get(objectKey(c)) ?? []), c.action]);
  const what = (k: string) => `${k} (${(actions.get(k) ?? []).join(', ')})`;
  if (!expected.objects) {
    const keys = Object.keys(actual.objects).sort();
    if (keys.length === 0) return ['the fresh plan has no changes at all'];
    return keys.map((k) => `${what(k)}: in the fresh plan`);
  }
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(expected.objects), ...Object.keys(actual.objects)])].sort();
  for (const k of keys) {
    const want = expected.objects[k];
    const have = actual.objects[k];
    if (want === undefined) out.push(`${what(k)}: not in the reviewed plan`);
    else if (have === undefined) out.push(`${k}: in the reviewed plan, but no longer a change`);
    else if (!(want.length >= MIN_OBJECT_DIGEST && have.startsWith(want))) out.push(`${what(k)}: its changes differ from the reviewed ones`);
  }
  // every object agrees, yet the digests differ (a digest from another version, or cut short): say so, never pass
  if (out.length === 0) out.push('every object agrees with the reviewed per-object digests, but the plan digest differs');
  return out;
}

/** True when the fresh plan is part of the reviewed one: every change in it exactly as reviewed (per-object
 * digests), only reviewed changes missing (carried out already, e.g. by an earlier try of the same apply; none left
 * at all after a successful one). Needs the per-object digests. */
export function isReviewedSubset(expected: ExpectedDigest, fresh: Pick<Plan, 'changes'>): boolean {
  if (!expected.objects) return false;
  const actual = planDigests(fresh).objects;
  return Object.entries(actual).every(([k, have]) => {
    const want = expected.objects![k];
    return want !== undefined && want.length >= MIN_OBJECT_DIGEST && have.startsWith(want);
  });
}

/** The expected digest held by a plan document (`plan --format json` or a saved plan): its `digest`, which must be
 * the digest of its changes, and the per-object digests recomputed from them. Undefined when it holds none. */
export function expectedFromPlanDocument(doc: unknown): ExpectedDigest | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const { digest, changes } = doc as { digest?: unknown; changes?: unknown };
  if (typeof digest !== 'string' || !isDigest(digest) || !Array.isArray(changes)) return undefined;
  const d = planDigests({ changes: changes as PlannedChange[] });
  if (d.digest !== digest) return undefined;
  return d;
}

/** Throws E_DIGEST_MISMATCH (naming the objects) unless the fresh plan's digest is the expected one. */
export function checkDigest(expected: ExpectedDigest, fresh: Pick<Plan, 'changes'>, hint?: string): void {
  const differences = digestDifferences(expected, fresh);
  if (differences.length === 0) return;
  const n = differences.length;
  const which = expected.objects
    ? `${n === 1 ? 'This object differs' : `These ${n} objects differ`}:`
    : 'Only the plan digest was given, so the objects that differ cannot be told apart; the fresh plan changes:';
  throw new PlanError(
    'E_DIGEST_MISMATCH',
    `The fresh plan differs from the reviewed one (digest ${planDigest(fresh)}, reviewed ${expected.digest}). Nothing was applied. ${which}`,
    differences,
    hint ?? 'Someone changed the account (or the declarations) since the plan was reviewed. Run plan again and review the new plan.',
  );
}
