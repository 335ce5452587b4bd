// Turns a change's JSON patch into field-level lines (path, old, new), shared by the text and markdown renderings.
import type { PlannedChange } from '../engine/model.js';
import { pointerToPath, pointerTokens, valueAt } from '../json.js';
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
    const path = plain(pointerToPath(op.path));
    if (op.op === 'replace') {
      const before = valueAt(c.before, op.path);
      const after = (op as { value: unknown }).value;
      if (isRecord(before) || isRecord(after)) {
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
