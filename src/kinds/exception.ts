// Exception — /v1.3/exception (vulnerability exceptions, static or dynamic assignment).
// Quirks handled here: dates are epoch-ms strings on the wire (friendly dates in declarations);
// `exceptionType` is sent but never read back (not compared). `qids` belong to the exception: the documented
// create sends a `listId` and no qids and the GET answers qids, so the server fills them from the list. Like
// every field, they are managed only when declared, and every write carries the live ones otherwise.
// `entityAssignmentType: DYNAMIC` means the `dynamicFilter` selects the images and containers the exception is
// assigned to; it says nothing about QIDs. It is sent only when declared (the notes name no other value).
import type { CheckIssue, Kind } from './types.js';
import type { ApiClient } from '../api/types.js';
import { ApiError } from '../errors.js';
import { type Obj, arr, compact, isBlank, numberSet, optString, upper } from './coerce.js';
import { canonicalDate, friendlyDate, parseDate } from './dates.js';
import { collection } from './collection.js';
import { nameAgrees, unlessEmpty, unlessEmptyText } from './spec.js';
import { asWritten, carried, changedKeys } from './carry.js';
import { checkValue } from './values.js';

const PATH = '/v1.3/exception';

export interface ExceptionSpec {
  scope?: string;
  exceptionType?: string;
  reason?: string;
  explanation?: string;
  listId?: string | null;
  startDate?: string | number;
  endDate?: string | number;
  entityAssignmentType?: string;
  dynamicFilter?: string | null;
  qids?: Array<number | string> | null;
}

export type ExceptionLive = Obj;

const KEYS = ['scope', 'reason', 'explanation', 'listId', 'startDate', 'endDate', 'entityAssignmentType', 'dynamicFilter', 'qids'] as const;

/** The dynamicFilter tokens the API supports. */
export const FILTER_TOKENS = ['repo.tag', 'repo.repository', 'repo.registry', 'cluster.k8s.pod.namespace'] as const;


function canonicalOf(o: Obj): Record<string, unknown> {
  return compact({
    scope: upper(o.scope),
    reason: upper(o.reason),
    explanation: optString(o.explanation) ?? '',
    listId: optString(o.listId),
    startDate: canonicalDate(o.startDate),
    endDate: canonicalDate(o.endDate),
    entityAssignmentType: upper(o.entityAssignmentType),
    dynamicFilter: optString(o.dynamicFilter),
    qids: numberSet(o.qids),
  });
}

function idOf(live: ExceptionLive): string {
  return optString(live.exceptionId ?? live.id ?? live.uuid) ?? '';
}

// the detail asks for the qids (includeQids=true), which the documented GET leaves out otherwise
const rest = collection(PATH, { idOf, createdIdKeys: ['exceptionId', 'id', 'uuid'], what: 'create exception', detailQuery: { includeQids: true } });

/** The wire date: epoch ms as a string (an unreadable value is sent as given; validation reports it). */
function wireDate(v: unknown): string | undefined {
  if (isBlank(v)) return undefined;
  const ms = parseDate(v);
  return ms === undefined ? String(v) : String(ms);
}

/** Gateways (by base URL) that answered 404 or 405 to `PUT /exception/{id}` and took `PUT /exception` with the id in
 * the body: that form is kept for the rest of the run. */
const PUT_BY_BODY = new Set<string>();

/** The update: `PUT /exception/{id}` (assumed); answered 404 or 405, once more as `PUT /exception` with the id in the
 * body (004 names only /csapi/v1.3/exception for POST and PUT), and that form kept for the run. */
async function putException(api: ApiClient, live: Obj, body: Obj): Promise<void> {
  const id = idOf(live);
  const byBody = () => api.request('PUT', PATH, { body: { exceptionId: id, ...body } });
  if (PUT_BY_BODY.has(api.gateway)) {
    await byBody();
    return;
  }
  try {
    await rest.update(api, live, body);
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e;
    await byBody();
    PUT_BY_BODY.add(api.gateway);
  }
}

/** Server-managed fields of a live exception (004, "Fetch Details of an Exception": exceptionId, createdBy,
 * updatedBy, created, updated): never sent back. */
const SERVER_FIELDS = ['exceptionId', 'id', 'uuid', 'createdBy', 'updatedBy', 'created', 'updated'];

/** A managed key's value on the wire: dates as epoch-ms strings, enums and the rest as the user wrote them. */
function wireValue(k: string, desired: Obj, spec: Obj): unknown {
  switch (k) {
    case 'startDate':
    case 'endDate':
      return wireDate(desired[k]);
    case 'qids':
      return arr(desired.qids);
    case 'explanation':
    case 'dynamicFilter':
    case 'listId':
      return typeof spec[k] === 'string' ? spec[k] : desired[k];
    default:
      return asWritten(spec[k], desired[k]);
  }
}

/** `exceptionType`, sent on every write as the documented create prints it ("exceptionType": "VULNERABILITY"); the
 * GET never returns it, so the declared value, else the live one, else the only documented value. */
function exceptionType(spec: Obj, live?: Obj): unknown {
  return optString(spec.exceptionType) ?? optString(live?.exceptionType) ?? 'VULNERABILITY';
}

/** The create body: the name, the declared fields only, as written (qids only when declared: the documented create
 * sends a listId and none, the server fills them), and exceptionType. */
function createBody(name: string, desired: Obj, spec: Obj): Obj {
  const out: Obj = { name };
  for (const k of KEYS) if (desired[k] !== undefined && !(k === 'qids' && arr(desired.qids).length === 0 && spec.qids === undefined)) out[k] = wireValue(k, desired, spec);
  out.exceptionType = exceptionType(spec);
  return out;
}

/** The update body: the live details (qids, listId, dynamicFilter, entityAssignmentType and keys no kind knows
 * included; server-managed fields left out), with each field the declaration changes replaced, as written. */
function updateBody(live: Obj, name: string, desired: Obj, spec: Obj): Obj {
  const out = carried(live, SERVER_FIELDS);
  out.name = name;
  for (const k of changedKeys(KEYS, desired, canonicalOf(live))) {
    if (desired[k] === undefined) delete out[k];
    else out[k] = wireValue(k, desired, spec);
  }
  out.exceptionType = exceptionType(spec, live);
  return out;
}

export const exception: Kind<ExceptionSpec, ExceptionLive> = {
  kind: 'Exception',
  schemaFile: 'exception.schema.json',
  folder: 'exceptions',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  listIsComplete: true,
  // A gateway's list may leave qids out, as the documented GET does without includeQids=true.
  detailFields: ['qids'],

  // Items normally carry every field; the engine reads details (with qids) only where one it needs is missing.
  list: rest.list,

  get: rest.get,

  idOf,
  nameOf: (live) => optString(live.name) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  fields: KEYS,
  setFields: ['qids'],

  create: (api, name, desired, written) => rest.create(api, createBody(name, desired, written?.spec ?? desired)),

  update: (api, live, name, desired, written) => putException(api, live, updateBody(live, name, desired, written?.spec ?? desired)),

  remove: rest.remove,

  isProtected: () => false,

  toSpec(live) {
    const c = canonicalOf(live);
    const date = (v: unknown) => {
      const ms = parseDate(v);
      return ms === undefined ? (v as string | undefined) : friendlyDate(ms);
    };
    const qids = c.qids as number[];
    return compact({
      scope: c.scope as string | undefined,
      exceptionType: upper(live.exceptionType) ?? 'VULNERABILITY',
      reason: c.reason as string | undefined,
      explanation: unlessEmptyText(c.explanation),
      listId: c.listId as string | undefined,
      startDate: date(c.startDate),
      endDate: date(c.endDate),
      // any value the account holds (DYNAMIC is "a new value": others exist), so that it round-trips
      entityAssignmentType: c.entityAssignmentType as string | undefined,
      dynamicFilter: c.dynamicFilter as string | undefined,
      qids: unlessEmpty(qids),
    }) as ExceptionSpec;
  },

  check(spec, name) {
    const issues: CheckIssue[] = [];
    const start = parseDate(spec.startDate);
    const end = parseDate(spec.endDate);
    for (const [k, v, ms] of [['startDate', spec.startDate, start], ['endDate', spec.endDate, end]] as const) {
      if (!isBlank(v) && ms === undefined) {
        issues.push({ path: [k], message: `${k} "${String(v)}" is not a date; use an ISO 8601 date-time with a zone (2026-01-01T00:00:00Z), a date (2026-01-01) or epoch milliseconds` });
      }
    }
    if (start !== undefined && end !== undefined && end < start) {
      issues.push({ path: ['endDate'], message: `endDate (${friendlyDate(end)}) is before startDate (${friendlyDate(start)}); the end must not come before the start` });
    }
    for (const f of ['scope', 'reason', 'exceptionType', 'entityAssignmentType'] as const) {
      const issue = checkValue(`Exception.${f}`, spec[f], [f]);
      if (issue) issues.push(issue);
    }
    const type = upper(spec.entityAssignmentType);
    const filter = optString(spec.dynamicFilter);
    if (type === 'DYNAMIC' && filter === undefined) {
      issues.push({ path: ['dynamicFilter'], message: 'a DYNAMIC exception needs a dynamicFilter (e.g. repo.repository:legacy/*): "When you specify DYNAMIC, specify a dynamic filter"' });
    }
    if (type !== 'DYNAMIC' && filter !== undefined) {
      // the notes require a filter with DYNAMIC only; they do not forbid one otherwise
      const why = type === undefined ? 'entityAssignmentType is not given' : `entityAssignmentType is ${type}`;
      issues.push({ path: ['dynamicFilter'], severity: 'warning', message: `dynamicFilter assigns an exception with entityAssignmentType DYNAMIC (${why}); the notes say nothing of it otherwise: remove it, or set entityAssignmentType: DYNAMIC` });
    }
    if (filter !== undefined) {
      for (const m of checkFilter(filter)) issues.push({ path: ['dynamicFilter'], message: m });
      if (upper(spec.scope) === 'IMAGE' && /(^|[\s(])cluster\.k8s\.pod\.namespace\s*:/.test(filter)) {
        issues.push({ path: ['dynamicFilter'], message: 'cluster.k8s.pod.namespace is a token "for containers": it needs scope CONTAINER (this exception has scope IMAGE); use repo.tag, repo.repository or repo.registry, or set scope: CONTAINER' });
      }
    }
    issues.push(...nameAgrees(spec, 'name', name, "the exception's"));
    return issues;
  },
};

// ---- dynamicFilter (QQL subset) -------------------------------------------------------------------

type Lexeme = { t: '(' } | { t: ')' } | { t: 'word'; v: string };

function lex(s: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ t: ch });
      i++;
    } else {
      let w = '';
      while (i < s.length && !/[\s()]/.test(s[i]!)) {
        if (s[i] === '"' || s[i] === "'") {
          const q = s[i]!;
          const close = s.indexOf(q, i + 1);
          const stop = close === -1 ? s.length : close + 1;
          w += s.slice(i, stop);
          i = stop;
        } else if (s[i] === '[') {
          const close = s.indexOf(']', i + 1);
          const stop = close === -1 ? s.length : close + 1;
          w += s.slice(i, stop);
          i = stop;
        } else {
          w += s[i];
          i++;
        }
      }
      out.push({ t: 'word', v: w });
    }
  }
  return out;
}

/** Problems in a dynamicFilter: `token:value` terms joined by and/or, with parentheses and NOT. */
export function checkFilter(filter: string): string[] {
  const problems: string[] = [];
  const lexemes = lex(filter);
  // `token: value` (space after the colon) is one term.
  const words: Lexeme[] = [];
  for (let i = 0; i < lexemes.length; i++) {
    const l = lexemes[i]!;
    const next = lexemes[i + 1];
    if (l.t === 'word' && l.v.endsWith(':') && !l.v.startsWith(':') && next?.t === 'word' && !/^(and|or|not)$/i.test(next.v)) {
      words.push({ t: 'word', v: l.v + next.v });
      i++;
    } else words.push(l);
  }
  let depth = 0;
  let expectTerm = true;
  for (const l of words) {
    if (l.t === '(') {
      if (!expectTerm) problems.push('dynamicFilter: "(" after a term; join terms with and/or');
      depth++;
      expectTerm = true;
    } else if (l.t === ')') {
      depth--;
      if (depth < 0) {
        problems.push('dynamicFilter: ")" without a matching "("');
        depth = 0;
      }
      expectTerm = false;
    } else if (/^(and|or)$/i.test(l.v)) {
      if (expectTerm) problems.push(`dynamicFilter: "${l.v}" needs a term before it`);
      expectTerm = true;
    } else if (/^not$/i.test(l.v)) {
      expectTerm = true;
    } else {
      if (!expectTerm) problems.push(`dynamicFilter: terms must be joined with and/or (before "${l.v}")`);
      expectTerm = false;
      const colon = l.v.indexOf(':');
      if (colon <= 0) {
        problems.push(`dynamicFilter: "${l.v}" is not a token:value term; use one of ${FILTER_TOKENS.join(', ')} (e.g. repo.tag:latest)`);
        continue;
      }
      const token = l.v.slice(0, colon);
      const value = l.v.slice(colon + 1);
      if (!(FILTER_TOKENS as readonly string[]).includes(token)) {
        problems.push(`dynamicFilter: unknown token "${token}"; the supported tokens are ${FILTER_TOKENS.join(', ')}`);
      } else if (value === '' || value === '""' || value === "''") {
        problems.push(`dynamicFilter: token "${token}" has no value`);
      }
    }
  }
  if (depth > 0) problems.push('dynamicFilter: "(" without a matching ")"');
  if (words.length === 0) problems.push('dynamicFilter is empty');
  else if (expectTerm) problems.push('dynamicFilter: ends with an operator; a term must follow');
  return problems;
}
