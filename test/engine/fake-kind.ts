// A generic in-memory kind for engine tests: the engine must work for any Kind, so it is tested with one
// that no production code special-cases.
import type { ApiClient } from '../../src/api/types.js';
import { ApiError, NetworkError } from '../../src/errors.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Declaration, KindName } from '../../src/types.js';

export interface FakeObj {
  id: string;
  name: string;
  color?: string;
  tags?: string[];
  system?: boolean;
}

export class FakeStore {
  objs = new Map<string, FakeObj>();
  calls: string[] = [];
  seq = 0;
  /** Fail these operations (`create:NAME`, `update:NAME`, `delete:NAME`) this many times. */
  failures = new Map<string, { times: number; error: () => Error; afterEffect?: boolean }>();
  add(o: Omit<FakeObj, 'id'> & { id?: string }): FakeObj {
    const obj = { id: o.id ?? `id-${++this.seq}`, ...o } as FakeObj;
    this.objs.set(obj.id, obj);
    return obj;
  }
  maybeFail(key: string, effect: () => void): void {
    const f = this.failures.get(key);
    if (f && f.times > 0) {
      f.times--;
      if (f.afterEffect) effect();
      throw f.error();
    }
    effect();
  }
}

export function fakeKind(store: FakeStore, kind: KindName = 'Exception', extra: Partial<Kind<FakeSpec, FakeObj>> = {}): Kind<FakeSpec, FakeObj> {
  return {
    kind,
    schemaFile: 'none',
    folder: 'fakes',
    dependsOn: [],
    can: { create: true, update: true, delete: true },
    async list() {
      store.calls.push(`list ${kind}`);
      // The list carries every field (an unset one as null / []), like a complete API list.
      return [...store.objs.values()].map((o) => ({ ...o, color: o.color ?? null, tags: o.tags ?? [] }) as FakeObj);
    },
    async get(_api: ApiClient, id: string) {
      store.calls.push(`get ${kind} ${id}`);
      const o = store.objs.get(id);
      return o ? ({ ...o, color: o.color ?? null, tags: o.tags ?? [] } as FakeObj) : undefined;
    },
    idOf: (o) => o.id,
    nameOf: (o) => o.name,
    canonical: (s) => ({ color: s.color ?? 'none', tags: [...(s.tags ?? [])].sort() }),
    canonicalLive: (o) => ({ color: o.color ?? 'none', tags: [...(o.tags ?? [])].sort() }),
    fields: ['color', 'tags'],
    async create(_api, name, desired) {
      store.calls.push(`create ${kind} ${name}`);
      let id = '';
      store.maybeFail(`create:${name}`, () => {
        id = store.add({ name, color: desired.color as string, tags: desired.tags as string[] }).id;
      });
      return id;
    },
    async update(_api, live, name, desired) {
      store.calls.push(`update ${kind} ${name}`);
      store.maybeFail(`update:${name}`, () => store.objs.set(live.id, { ...live, color: desired.color as string, tags: desired.tags as string[] }));
    },
    async remove(_api, live) {
      store.calls.push(`delete ${kind} ${live.name}`);
      store.maybeFail(`delete:${live.name}`, () => store.objs.delete(live.id));
    },
    isProtected: (o) => !!o.system,
    toSpec: (o) => ({ color: o.color, tags: o.tags }),
    ...extra,
  };
}

export interface FakeSpec {
  color?: string;
  tags?: string[];
}

export function decl(kind: KindName, name: string, spec: FakeSpec | Record<string, unknown>): Declaration {
  const pos = { file: 'test.yaml', line: 1, column: 1 };
  return { apiVersion: 'qcs-gitops/v1', kind, name, spec: spec as Record<string, unknown>, source: pos, positionOf: () => pos };
}

export const noApi = {} as ApiClient;

export const lostAnswer = () => new NetworkError({ method: 'POST', path: '/x', host: '127.0.0.1', reason: 'socket hang up', outcomeUnknown: true });
export const unavailable = () => new ApiError({ status: 503, method: 'PUT', path: '/x', serverMessage: 'busy' });
export const conflict = () => new ApiError({ status: 409, method: 'DELETE', path: '/x', serverMessage: 'policy in use' });
