// Exception — /v1.3/exception (vulnerability exceptions, static or dynamic assignment).
// Quirks handled here: dates are epoch-ms strings on the wire (friendly dates in declarations);
// `exceptionType` is sent but never read back (not compared); a DYNAMIC exception's `qids` are computed by
// the server from `dynamicFilter`, so they are compared only when declared (see ownedFields).
import type { ApiClient } from '../api/types.js';
import type { CheckIssue, Kind } from './types.js';
import {
  type Obj, arr, canonicalDate, compact, friendlyDate, getOrUndefined, idFromResponse, isBlank, numberSet, optString,
  ownedExcept, parseDate, seg, upper,
} from './util.js';

const PATH = '/v1.3/exception';

export interface ExceptionSpec {
  scope?: string;
  exceptionType?: string;
  reason?: string;
  explanation?: string;
  listId?: string;
  startDate?: string | number;
  endDate?: string | number;
  entityAssignmentType?: string;
  dynamicFilter?: string;
  qids?: Array<number | string>;
}

export type ExceptionLive = Obj;

const KEYS = ['scope', 'reason', 'explanation', 'listId', 'startDate', 'endDate', 'entityAssignmentType', 'dynamicFilter', 'qids'] as const;

/** The dynamicFilter tokens the API supports. */
export const FILTER_TOKENS = ['repo.tag', 'repo.repository', 'repo.registry', 'cluster.k8s.pod.namespace'] as const;

/** Fields canonicalLive needs; list items lacking one are completed by a detail call. */
const NEEDED = ['qids', 'startDate', 'endDate', 'reason', 'scope'] as const;

/** DYNAMIC or STATIC. A declaration that omits it is STATIC (the schema's default); a live object that omits it
 * (not seen in the samples) is read as DYNAMIC when it carries a dynamicFilter. */
function assignment(o: Obj, side: 'spec' | 'live' = 'spec'): string {
  const t = upper(o.entityAssignmentType);
  if (t !== undefined) return t;
  return side === 'live' && !isBlank(o.dynamicFilter) ? 'DYNAMIC' : 'STATIC';
}

function canonicalOf(o: Obj, side: 'spec' | 'live' = 'spec'): Record<string, unknown> {
  return compact({
    scope: upper(o.scope),
    reason: upper(o.reason),
    explanation: optString(o.explanation) ?? '',
    listId: optString(o.listId),
    startDate: canonicalDate(o.startDate),
    endDate: canonicalDate(o.endDate),
    entityAssignmentType: assignment(o, side),
    dynamicFilter: optString(o.dynamicFilter),
    qids: numberSet(o.qids),
  });
}

function idOf(live: ExceptionLive): string {
  return optString(live.exceptionId ?? live.id ?? live.uuid) ?? '';
}

/** The wire date: epoch ms as a string (an unreadable value is sent as given; validation reports it). */
function wireDate(v: unknown): string | undefined {
  if (isBlank(v)) return undefined;
  const ms = parseDate(v);
  return ms === undefined ? String(v) : String(ms);
}

function body(name: string, spec: ExceptionSpec): Obj {
  const qids = arr(spec.qids).length ? numberSet(spec.qids) : undefined;
  return compact({
    name,
    reason: upper(spec.reason),
    explanation: optString(spec.explanation) ?? '',
    scope: upper(spec.scope),
    listId: optString(spec.listId),
    exceptionType: upper(spec.exceptionType) ?? 'VULNERABILITY',
    entityAssignmentType: assignment(spec as Obj),
    startDate: wireDate(spec.startDate),
    endDate: wireDate(spec.endDate),
    dynamicFilter: optString(spec.dynamicFilter),
    qids,
  });
}

export const exception: Kind<ExceptionSpec, ExceptionLive> = {
  kind: 'Exception',
  schemaFile: 'exception.schema.json',
  folder: 'exceptions',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  listIsComplete: true,

  async list(api: ApiClient) {
    const items = await api.list<Obj>(PATH);
    // Items normally carry every field; read details only for those lacking one.
    return Promise.all(
      items.map(async (it) => {
        if (NEEDED.every((k) => it[k] !== undefined)) return it;
        const d = await getOrUndefined<Obj>(api, `${PATH}/${seg(idOf(it))}`, { includeQids: true });
        return d === undefined ? it : { ...it, ...d };
      }),
    );
  },

  async get(api, id) {
    return getOrUndefined<Obj>(api, `${PATH}/${seg(id)}`, { includeQids: true });
  },

  idOf,
  nameOf: (live) => optString(live.name) ?? '',

  canonical(spec) {
    const c = canonicalOf(spec as Obj);
    // Not owned (see ownedFields): absent from the desired form too.
    if (c.entityAssignmentType === 'DYNAMIC' && arr(spec.qids).length === 0) delete c.qids;
    return c;
  },
  canonicalLive: (live) => canonicalOf(live, 'live'),
  ownedFields(spec) {
    // A DYNAMIC exception's qids are the server's, unless the declaration pins them.
    if (assignment(spec as Obj) === 'DYNAMIC' && arr(spec.qids).length === 0) return ownedExcept(KEYS, ['qids']);
    return undefined;
  },

  async create(api, name, spec) {
    const res = await api.request('POST', PATH, { body: body(name, spec) });
    return idFromResponse(res, ['exceptionId', 'id', 'uuid'], 'create exception');
  },

  async update(api, live, name, spec) {
    await api.request('PUT', `${PATH}/${seg(idOf(live))}`, { body: body(name, spec) });
  },

  async remove(api, live) {
    await api.request('DELETE', `${PATH}/${seg(idOf(live))}`);
  },

  isProtected: () => false,

  toSpec(live) {
    const c = canonicalOf(live, 'live');
    const date = (v: unknown) => {
      const ms = parseDate(v);
      return ms === undefined ? (v as string | undefined) : friendlyDate(ms);
    };
    const dynamic = c.entityAssignmentType === 'DYNAMIC';
    const qids = c.qids as number[];
    return compact({
      scope: c.scope as string | undefined,
      exceptionType: upper(live.exceptionType) ?? 'VULNERABILITY',
      reason: c.reason as string | undefined,
      explanation: c.explanation === '' ? undefined : (c.explanation as string),
      listId: c.listId as string | undefined,
      startDate: date(c.startDate),
      endDate: date(c.endDate),
      entityAssignmentType: c.entityAssignmentType as string,
      dynamicFilter: c.dynamicFilter as string | undefined,
      // DYNAMIC: the server computes qids from the filter; exporting them would pin today's list.
      qids: !dynamic && qids.length ? qids : undefined,
    }) as ExceptionSpec;
  },

  check(spec) {
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
    const type = assignment(spec as Obj);
    const filter = optString(spec.dynamicFilter);
    if (type === 'DYNAMIC' && filter === undefined) {
      issues.push({ path: ['dynamicFilter'], message: 'a DYNAMIC exception needs a dynamicFilter (e.g. repo.repository:legacy/*)' });
    }
    if (type !== 'DYNAMIC' && filter !== undefined) {
      const why = isBlank(spec.entityAssignmentType) ? 'STATIC, the default when entityAssignmentType is not given' : type;
      issues.push({ path: ['dynamicFilter'], message: `dynamicFilter applies only to entityAssignmentType DYNAMIC (this exception is ${why}); remove it or set entityAssignmentType: DYNAMIC` });
    }
    if (filter !== undefined) {
      for (const m of checkFilter(filter)) issues.push({ path: ['dynamicFilter'], message: m });
    }
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
