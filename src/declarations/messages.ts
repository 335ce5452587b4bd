// Turns ajv's errors into one human message per problem: which field, what is wrong, what would be valid.
import type { ErrorObject } from 'ajv';
import { formatPath, unescapePointerToken } from '../json.js';
import { redactAndCut } from '../redact.js';
import type { PathSegment } from './load.js';

export interface SchemaProblem {
  /** Path of the offending node inside the document. */
  path: PathSegment[];
  /** Point at the key of the last segment (unknown fields) rather than its value. */
  atKey: boolean;
  message: string;
}

type Schema = Record<string, unknown>;

/** Splits an ajv instancePath (`/spec/rules/2`) into segments, numbers where the data is an array. */
export function splitInstancePath(instancePath: string, data: unknown): PathSegment[] {
  if (!instancePath) return [];
  const segs: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = unescapePointerToken(raw);
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      const i = Number(key);
      segs.push(i);
      cur = cur[i];
    } else {
      segs.push(key);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    }
  }
  return segs;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${redactAndCut(v, 60, '...')}'`;
  return String(v);
}

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  uuid: 'a UUID (8-4-4-4-12 hex digits)',
  'date-time': 'an ISO 8601 date-time with a time zone (2026-01-01T00:00:00Z)',
  date: 'a date (YYYY-MM-DD)',
};

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Longest value for which a "did you mean" suggestion is looked for. */
const MAX_SUGGEST_LENGTH = 100;

/** The closest candidate, if close enough to be a likely typo. */
export function suggest(value: string, candidates: readonly string[]): string | undefined {
  // a typo is short: an edit distance over a huge value (a megabyte string) would take seconds and hundreds of MB
  if (value.length > MAX_SUGGEST_LENGTH) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === value.toLowerCase() ? 0 : editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.min(3, Math.floor(value.length / 3))) ? best : undefined;
}

function didYouMean(value: unknown, candidates: readonly unknown[]): string {
  if (typeof value !== 'string') return '';
  const s = suggest(value, candidates.filter((c): c is string => typeof c === 'string'));
  return s !== undefined && s !== value ? ` — did you mean '${s}'?` : '';
}

/** The message of one (non-composite) ajv error. */
interface Message {
  message: string;
  atKey?: boolean;
  extra?: PathSegment[];
  /** additionalProperties: the known field the unknown one is probably a typo of. */
  typoOf?: string;
  /** required: the missing field. */
  missing?: string;
}

function messageOf(e: ErrorObject, value: unknown): Message {
  const parent = (e.parentSchema ?? {}) as Schema;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const allowed = Object.keys((parent.properties as Schema | undefined) ?? {});
      const shown = field.length > 60 ? `${field.slice(0, 57)}...` : field;
      return {
        message: `unknown field '${shown}'${didYouMean(field, allowed)} (allowed: ${allowed.join(', ')})`,
        atKey: true,
        extra: [field],
        typoOf: suggest(field, allowed),
      };
    }
    case 'required': {
      const missing = String(p.missingProperty);
      if (typeof parent.errorMessage === 'string') return { message: parent.errorMessage, missing };
      return { message: `missing required field '${missing}'`, missing };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      return { message: `must be one of: ${allowed.map(String).join(', ')} (got ${describeValue(value)})${didYouMean(value, allowed)}` };
    }
    case 'const':
      return { message: `must be '${String(p.allowedValue)}' (got ${describeValue(value)})` };
    case 'type': {
      const types = String(p.type).split(',');
      return { message: `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')} (got ${typeOfValue(value)})` };
    }
    case 'pattern':
      if (typeof parent.patternErrorMessage === 'string') return { message: `${parent.patternErrorMessage} (got ${describeValue(value)})` };
      return { message: `must match the pattern ${String(p.pattern)} (got ${describeValue(value)})` };
    case 'format':
      return { message: `must be ${FORMAT_WORDS[String(p.format)] ?? `a valid ${String(p.format)}`} (got ${describeValue(value)})` };
    case 'minLength':
      return { message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long` };
    case 'maxLength':
      return { message: `must be at most ${String(p.limit)} characters long` };
    case 'minimum':
      return { message: `must be at least ${String(p.limit)} (got ${describeValue(value)})` };
    case 'maximum':
      return { message: `must be at most ${String(p.limit)} (got ${describeValue(value)})` };
    case 'exclusiveMinimum':
      return { message: `must be greater than ${String(p.limit)} (got ${describeValue(value)})` };
    case 'exclusiveMaximum':
      return { message: `must be less than ${String(p.limit)} (got ${describeValue(value)})` };
    case 'minItems':
      return { message: `must hold at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { message: `must hold at most ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'uniqueItems': {
      const i = Number(p.i);
      const j = Number(p.j);
      const [first, second] = i < j ? [i, j] : [j, i];
      return { message: `must not repeat items: item ${second} repeats item ${first}`, extra: [second] };
    }
    case 'minProperties':
    case 'maxProperties':
      if (typeof parent.errorMessage === 'string') return { message: parent.errorMessage };
      return { message: `must hold ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(p.limit)} field${p.limit === 1 ? '' : 's'}` };
    case 'anyOf':
    case 'oneOf': {
      if (typeof parent.errorMessage === 'string') return { message: parent.errorMessage };
      const branches = ((parent[e.keyword] as Schema[] | undefined) ?? []).map((b) => (typeof b.title === 'string' ? b.title : undefined));
      if (branches.every((b) => b)) return { message: `must be ${branches.join(', or ')}` };
      return { message: e.keyword === 'oneOf' ? 'must match exactly one of the allowed forms' : 'must match one of the allowed forms' };
    }
    default:
      return { message: e.message ?? `is invalid (${e.keyword})` };
  }
}

/** One problem per issue: composite errors (anyOf/oneOf) replace their branches' errors, `if` noise is dropped, repeats merged. */
export function translateErrors(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  const composites = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const swallowed = (e: ErrorObject) =>
    composites.some(
      (c) =>
        c !== e &&
        e.schemaPath.startsWith(c.schemaPath + '/') &&
        (e.instancePath === c.instancePath || e.instancePath.startsWith(c.instancePath + '/')),
    );
  const seen = new Set<string>();
  const items: Array<{ problem: SchemaProblem; parent: string; m: Message }> = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'then' || e.keyword === 'else' || e.keyword === 'allOf') continue;
    if (swallowed(e)) continue;
    const base = splitInstancePath(e.instancePath, data);
    const m = messageOf(e, e.data);
    const path = [...base, ...(m.extra ?? [])];
    const key = `${formatPath(path)}\u0000${m.message}`;
    if (seen.has(key)) continue; // the envelope and the kind's schema both check the top-level fields
    seen.add(key);
    items.push({ problem: { path, atKey: m.atKey ?? false, message: m.message }, parent: e.instancePath, m });
  }
  // A misspelt field is one problem, not two: `polcyMode` (unknown) already says that `policyMode` is missing.
  const typos = new Set(items.filter((i) => i.m.typoOf).map((i) => `${i.parent}\u0000${i.m.typoOf}`));
  return items.filter((i) => !(i.m.missing && typos.has(`${i.parent}\u0000${i.m.missing}`))).map((i) => i.problem);
}
