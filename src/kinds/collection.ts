// One CS collection at a path, as most kinds read and write it: the paged list, the detail GET at an id (404 →
// undefined), create (POST, the new id read from the answer), update (PUT at the id) and delete. A kind module
// builds its bodies and passes them here; its path, ids and the id keys of the create answer stay its own.
import type { ApiClient } from '../api/types.js';
import type { Obj } from './coerce.js';
import { getOrUndefined, idFromResponse, seg } from './requests.js';

export interface CollectionOptions {
  /** The live object's id (the path segment of its detail, update and delete calls). */
  idOf: (live: Obj) => string;
  /** Where the create answer carries the new id, in order of preference. */
  createdIdKeys: readonly string[];
  /** What the create is, for the error when its answer carries no id: `create exception`. */
  what: string;
  /** Query of the detail GET (`{ includeQids: true }`). */
  detailQuery?: Record<string, string | number | boolean>;
}

export interface Collection {
  list(api: ApiClient): Promise<Obj[]>;
  get(api: ApiClient, id: string): Promise<Obj | undefined>;
  /** POSTs `body`; returns the new object's id. */
  create(api: ApiClient, body: Obj): Promise<string>;
  /** PUTs `body` at the live object's id (the answer is not read). */
  update(api: ApiClient, live: Obj, body: Obj): Promise<void>;
  remove(api: ApiClient, live: Obj): Promise<void>;
}

export function collection(path: string, o: CollectionOptions): Collection {
  const at = (id: string) => `${path}/${seg(id)}`;
  return {
    list: (api) => api.list<Obj>(path),
    get: (api, id) => getOrUndefined<Obj>(api, at(id), o.detailQuery),
    create: async (api, body) => idFromResponse(await api.request('POST', path, { body }), o.createdIdKeys, o.what),
    update: async (api, live, body) => {
      await api.request('PUT', at(o.idOf(live)), { body });
    },
    remove: async (api, live) => {
      await api.request('DELETE', at(o.idOf(live)));
    },
  };
}
