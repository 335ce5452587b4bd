// The defaults of the Kind interface's optional members, in one place: the engine, validation and export ask
// these helpers instead of naming a kind; `defineKind` fills in what a kind module leaves out.
import { QcsError } from '../errors.js';
import type { Capabilities, Kind } from './types.js';

/** A kind module as written: `Kind` with `can`, `create`, `update` and `remove` optional. */
export type KindModule<Spec = any, Live = any> = Omit<Kind<Spec, Live>, 'can' | 'create' | 'update' | 'remove'> &
  Partial<Pick<Kind<Spec, Live>, 'can' | 'create' | 'update' | 'remove'>>;

/** The full Kind of a module: `can` follows from which of create, update and remove it implements (unless it
 * says otherwise), and an operation it lacks fails with E_UNSUPPORTED (a saved plan may still ask for one). */
export function defineKind<Spec, Live>(m: KindModule<Spec, Live>): Kind<Spec, Live> {
  const can: Capabilities = m.can ?? { create: m.create !== undefined, update: m.update !== undefined, delete: m.remove !== undefined };
  return {
    ...m,
    can,
    create: m.create ?? (async () => Promise.reject(unsupported(m.kind, 'create'))),
    update: m.update ?? (async () => Promise.reject(unsupported(m.kind, 'update'))),
    remove: m.remove ?? (async () => Promise.reject(unsupported(m.kind, 'delete'))),
  };
}

function unsupported(kind: string, op: 'create' | 'update' | 'delete'): QcsError {
  return new QcsError('E_UNSUPPORTED', `${kind} objects cannot be ${op === 'delete' ? 'deleted' : `${op}d`} through the Qualys API`);
}

/** The server id a declaration pins (`declaredId`, else the non-empty string in `spec[idField]`). */
export function pinnedId(kind: Kind, spec: Record<string, unknown> | undefined): string | undefined {
  if (kind.declaredId) return kind.declaredId(spec ?? {});
  if (kind.idField === undefined || !spec) return undefined;
  const v = spec[kind.idField];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Where a pinned id sits in a declaration (for diagnostics): `spec.<idField>`. */
export function pinnedIdPath(kind: Kind): string[] {
  return ['spec', kind.idField ?? 'id'];
}
