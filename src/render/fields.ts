// Turns a change's JSON patch into field-level lines (path, old, new), shared by the text and markdown renderings.
import type { PlannedChange } from '../engine/model.js';
import { pointerToPath, valueAt } from '../engine/util.js';

export interface FieldChange {
  op: '+' | '-' | '~';
  path: string;
  before?: unknown;
  after?: unknown;
}

export function fieldChanges(c: PlannedChange): FieldChange[] {
  if (c.action === 'create') return Object.entries(c.after ?? {}).map(([k, v]) => ({ op: '+', path: k, after: v }));
  if (c.action === 'delete') return Object.entries(c.before ?? {}).map(([k, v]) => ({ op: '-', path: k, before: v }));
  const out: FieldChange[] = [];
  for (const op of c.patch) {
    const path = pointerToPath(op.path);
    if (op.op === 'replace') out.push({ op: '~', path, before: valueAt(c.before, op.path), after: (op as { value: unknown }).value });
    else if (op.op === 'add') out.push({ op: '+', path, after: (op as { value: unknown }).value });
    else if (op.op === 'remove') out.push({ op: '-', path, before: valueAt(c.before, op.path) });
  }
  return out;
}

export function show(v: unknown, max = 200): string {
  const s = v === undefined ? '(none)' : JSON.stringify(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export const ACTION_SYMBOL = { create: '+', update: '~', delete: '-' } as const;

export function summaryLine(s: { create: number; update: number; delete: number }): string {
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`;
}
