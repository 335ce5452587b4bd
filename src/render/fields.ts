// Turns a change's JSON patch into field-level lines (path, old, new), shared by the text and markdown renderings.
import type { PlannedChange } from '../engine/model.js';
import { kindByName } from '../kinds/index.js';
import { pointerToPath, pointerTokens, stableStringify, valueAt } from '../json.js';
import { plain } from '../output/untrusted.js';
import { redactAndCut } from '../redact.js';

export interface FieldChange {
  op: '+' | '-' | '~';
  path: string;
  before?: unknown;
  after?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Leaf fields of a value: objects and arrays of objects are expanded (`rules[0].name`); arrays of
 * scalars stay on one line, where a reviewer reads them best. */
function leaves(value: unknown, path: string, out: Array<[string, unknown]>): Array<[string, unknown]> {
  const join = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${plain(JSON.stringify(k))}]`);
  if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, join(k), out);
  } else if (Array.isArray(value) && value.some((v) => isRecord(v) || Array.isArray(v))) {
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else {
    out.push([path, value]);
  }
  return out;
}

/** Members of a set field (a replace of an array by an array: engine/plan-kind.ts `diff`): `+` each member added,
 * then `-` each member removed, each sorted (numbers by value); members kept show nothing. */
function setMembers(path: string, before: readonly unknown[], after: readonly unknown[], out: FieldChange[]): void {
  const key = (v: unknown) => stableStringify(v);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  const order = (a: unknown, b: unknown) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  for (const v of after.filter((m) => !had.has(key(m))).sort(order)) out.push({ op: '+', path, after: v });
  for (const v of before.filter((m) => !has.has(key(m))).sort(order)) out.push({ op: '-', path, before: v });
}

/** The name of the item at `i` of a named list when it names one item only, else undefined. */
function itemName(list: unknown, i: number, key: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const item: unknown = list[i];
  const name = isRecord(item) ? item[key] : undefined;
  if (typeof name !== 'string' || name === '') return undefined;
  return list.filter((x) => isRecord(x) && x[key] === name).length === 1 ? name : undefined;
}

/** A patch pointer as the plan prints it: `/rules/1/action` → `rules["No ptrace"].action` when the kind names the
 * items of `rules` (Kind.namedLists) and item 1 bears the same name before and after; else by position. */
function labelled(c: PlannedChange, pointer: string): string {
  const tokens = pointerTokens(pointer);
  const key = kindByName(c.kind)?.namedLists?.[tokens[0] ?? ''];
  if (!key || tokens.length < 2 || !/^\d+$/.test(tokens[1]!)) return pointerToPath(pointer);
  const i = Number(tokens[1]);
  const list = tokens[0]!;
  const before = itemName(c.before?.[list], i, key);
  const after = itemName(c.after?.[list], i, key);
  const whole = tokens.length === 2;
  // a whole item added or removed: its name, unless the other side has it elsewhere (then it moved: by position)
  const hasName = (side: unknown, n: string) => Array.isArray(side) && side.some((x) => isRecord(x) && x[key] === n);
  const name = !whole
    ? before !== undefined && before === after ? before : undefined
    : after !== undefined && !hasName(c.before?.[list], after)
      ? after
      : before !== undefined && !hasName(c.after?.[list], before)
        ? before
        : undefined;
  if (name === undefined) return pointerToPath(pointer);
  const rest = pointerToPath('/' + pointer.split('/').slice(3).join('/'));
  return `${pointerToPath('/' + pointer.split('/')[1])}[${JSON.stringify(name)}]${rest === '' ? '' : rest.startsWith('[') ? rest : `.${rest}`}`;
}

export function fieldChanges(c: PlannedChange): FieldChange[] {
  if (c.action === 'create') return leaves(c.after ?? {}, '', []).map(([path, v]) => ({ op: '+', path, after: v }));
  if (c.action === 'delete') return leaves(c.before ?? {}, '', []).map(([path, v]) => ({ op: '-', path, before: v }));
  const out: FieldChange[] = [];
  // fields in the order the object lists them (a JSON patch lists them in reverse); within a field, patch order
  const order = Object.keys({ ...(c.after ?? {}), ...(c.before ?? {}) });
  const rank = (pointer: string) => {
    const i = order.indexOf(pointerTokens(pointer)[0] ?? '');
    return i < 0 ? order.length : i;
  };
  const ops = c.patch.map((op, i) => ({ op, i })).sort((a, b) => rank(a.op.path) - rank(b.op.path) || a.i - b.i).map((x) => x.op);
  for (const op of ops) {
    const path = plain(labelled(c, op.path));
    if (op.op === 'replace') {
      const before = valueAt(c.before, op.path);
      const after = (op as { value: unknown }).value;
      if (Array.isArray(before) && Array.isArray(after)) setMembers(path, before, after, out);
      else if (isRecord(before) || isRecord(after)) {
        for (const [p, v] of leaves(before, path, [])) out.push({ op: '-', path: p, before: v });
        for (const [p, v] of leaves(after, path, [])) out.push({ op: '+', path: p, after: v });
      } else out.push({ op: '~', path, before, after });
    } else if (op.op === 'add') {
      for (const [p, v] of leaves((op as { value: unknown }).value, path, [])) out.push({ op: '+', path: p, after: v });
    } else if (op.op === 'remove') {
      for (const [p, v] of leaves(valueAt(c.before, op.path), path, [])) out.push({ op: '-', path: p, before: v });
    }
  }
  return out;
}

/** A field value as shown: JSON (which escapes C0 controls), with every other unprintable character escaped too. */
export function show(v: unknown, max = 200): string {
  return redactAndCut(v === undefined ? '(none)' : plain(JSON.stringify(v) ?? String(v)), max);
}

/** One operation of a patch that did not converge: `replace /spec/x` (the pointer made printable). */
export function opLine(op: { op: string; path: string }): string {
  return `${op.op} ${plain(op.path) || '(object)'}`;
}

export const ACTION_SYMBOL = { create: '+', update: '~', delete: '-' } as const;

export function summaryLine(s: { create: number; update: number; delete: number }): string {
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`;
}

/** A change's headline: `+ Exception "name"`; a delete whose declaration was removed since the base says so
 * (`- Exception/name (declaration removed since 1a2b3c4)`), a rename names both names
 * (`~ Exception/old → new (renamed)`). */
export function changeHeadline(c: Pick<PlannedChange, 'kind' | 'name' | 'action' | 'reason' | 'since' | 'renamedFrom'>): string {
  const sym = ACTION_SYMBOL[c.action];
  if (c.action === 'delete' && c.reason === 'removed') return `${sym} ${c.kind}/${c.name} (declaration removed${c.since ? ` since ${c.since}` : ''})`;
  if (c.renamedFrom !== undefined) return `${sym} ${c.kind}/${c.renamedFrom} → ${c.name} (renamed)`;
  return `${sym} ${c.kind} "${c.name}"`;
}
