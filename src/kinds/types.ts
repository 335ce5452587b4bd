// The Kind interface: every resource kind is one module implementing it; the engine knows none of them.
import type { ApiClient } from '../api/types.js';
import type { KindName } from '../types.js';

/** A problem in one declaration's spec that JSON Schema cannot express. `path` is relative to `spec`. */
export interface CheckIssue {
  path: (string | number)[];
  message: string;
  /** A warning is shown but does not make the declaration invalid (default: an error). */
  severity?: 'warning';
  /** A value outside a known set (src/kinds/values.ts): the error is dropped when the project file's
   * `acceptValues[key]` lists `value` (compared upper case). */
  accept?: { key: string; value: string };
}

export interface Capabilities {
  readonly create: boolean;
  readonly update: boolean;
  readonly delete: boolean;
  /** Whether an update may change the object's name (a renamed declaration keeps the object's id). Absent: as `update`. */
  readonly rename?: boolean;
}

/** A canonical form: what `canonical`/`canonicalLive` return. */
export type Canonical = Record<string, unknown>;

export type UpdateOutcome = { ok: true } | { ok: false; error: unknown };

/** What the declaration wrote: its spec and the canonical keys it manages. A write sends a managed key's value
 * in the form the user wrote it (`network_inbound`, `deny`), every other field as the live object holds it. */
export interface Written {
  spec: Record<string, unknown>;
  managed: ReadonlySet<string>;
}

export interface Kind<Spec = any, Live = any> {
  readonly kind: KindName;
  /** File name under schemas/ of the spec's JSON Schema (e.g. `exception.schema.json`). */
  readonly schemaFile: string;
  /** Folder name used by export (e.g. `exceptions`), one file an object. */
  readonly folder: string;
  /** Export layout: when set, export writes every object of the kind into this one multi-document file
   * (e.g. `secret-rules.yaml`) instead of one file an object under `folder`. */
  readonly exportFile?: string;
  /** Kinds whose changes must be applied before this kind's creates/updates (and after its deletes). */
  readonly dependsOn: readonly KindName[];
  /** What the API allows on the kind. A module written with `defineKind` (./defaults.ts) may leave it out: it
   * then follows which of `create`, `update` and `remove` the module implements. */
  readonly can: Capabilities;

  /** Every live object as the API's list answers it: summaries for most kinds. The engine reads details
   * (`get`) where a summary lacks a field it needs (engine/fetch.ts). */
  list(api: ApiClient): Promise<Live[]>;
  /** True when the list items normally carry every field: re-reading many objects of the kind is then cheaper
   * by listing (a performance hint; objects a listing does not carry whole are still read by id). */
  readonly listIsComplete?: boolean;
  /** One live object by server id, details included; undefined when it does not exist (404). */
  get(api: ApiClient, id: string): Promise<Live | undefined>;
  /** Server id of a live object. */
  idOf(live: Live): string;
  /** Natural key of a live object (what `metadata.name` matches). */
  nameOf(live: Live): string;
  /** The top-level spec field in which a declaration may pin a server id (e.g. SecretRule `ruleUuid`); a pinned
   * id is matched before the name, problems with it are reported at this field, and export pins it where names
   * clash. Undefined: objects are matched by name only. */
  readonly idField?: string;
  /** The server id a declaration pins; by default the string in `spec[idField]`. */
  declaredId?(spec: Spec): string | undefined;

  /** Desired state in the comparable form (defaults filled, set-like arrays sorted, friendly forms converted). */
  canonical(spec: Spec): Record<string, unknown>;
  /** Live state in the same form, server-managed fields dropped. */
  canonicalLive(live: Live): Record<string, unknown>;
  /** The top-level keys of the canonical form. A declaration manages the ones its spec sets (see
   * engine/desired.ts: what a declaration leaves out is neither compared nor changed). */
  readonly fields?: readonly string[];
  /** Top-level canonical keys whose arrays are sets: member order carries no meaning (the canonical form sorts
   * them). A plan diffs them as sets (engine/plan-kind.ts `diff`): members added and removed, never positions. */
  readonly setFields?: readonly string[];
  /** Top-level canonical keys holding ordered lists of named items, with the key that names an item (e.g.
   * `{rules: 'name'}`): a plan still diffs them by position, and shows the position by the item's name
   * (`rules["No ptrace"].action`). */
  readonly namedLists?: Readonly<Record<string, string>>;
  /** The canonical keys a list item may lack (its summary does not carry them; the details do): e.g. a
   * centralized policy's rules, an exception's `qids` (a GET without `includeQids`). An item that has none of a
   * detail field's wire names is read in detail when that field is needed. Any other key absent from an item is
   * simply unset. Undefined: the list carries everything. */
  readonly detailFields?: readonly string[];
  /** The names under which a live item carries a canonical key, where they differ from the key itself (e.g.
   * SensorProfile `associatedRegistryIds` ← `associatedRegistries`). The engine reads an object's details only
   * when its list item carries none of them (engine/fetch.ts). */
  readonly wire?: Readonly<Record<string, readonly string[]>>;
  /** A list item merged with its details (default: the details over the item). */
  merge?(summary: Live, details: Live): Live;
  /** A canonical list field whose values belong to one object of the kind at most (SensorProfile
   * `associatedRegistryIds`: "You can assign only one sensor profile to each registry"); `what` names a value. Two
   * declarations claiming one value are refused at both lines; a declared object claiming a value an undeclared
   * live object holds is planned with a note naming that object (the value moves). */
  readonly claims?: { field: string; what: string };
  /** Spec keys that name a canonical key under another spelling (e.g. SecretRule `secretRuleStatus` → `status`). */
  readonly aliases?: Readonly<Record<string, string>>;

  /** Creates the object from `desired` (the canonical form of the declaration: only the declared keys); returns
   * its new server id. `written` gives the declared values as the user wrote them. */
  create(api: ApiClient, name: string, desired: Canonical, written?: Written): Promise<string>;
  /** Writes `desired` (the whole canonical object: the live values of what the declaration does not manage,
   * the declared values of what it does) over the live object. Fields the canonical form does not know (rule
   * ids, server-managed fields) are carried from `live`. `live` is the object's details, read in this run; the
   * body carries every field of it the declaration does not manage (keys no kind knows included), as read. */
  update(api: ApiClient, live: Live, name: string, desired: Canonical, written?: Written): Promise<void>;
  /** Several updates at once where the API has a bulk call; one outcome per item, in order. */
  updateMany?(api: ApiClient, items: Array<{ live: Live; name: string; desired: Canonical; written?: Written }>): Promise<UpdateOutcome[]>;
  /** Deletes the live object. */
  remove(api: ApiClient, live: Live): Promise<void>;

  /** System objects that are never changed or deleted (the Default sensor profile, the default centralized policy). */
  isProtected(live: Live): boolean;
  /** The live object as a spec in the declaration format (friendly forms), for export. */
  toSpec(live: Live): Spec;
  /** Checks on one spec that the schema cannot express. */
  check?(spec: Spec, name: string): CheckIssue[];

  /** Canonical keys the API accepts but never reads back (an ARN, a credential): never compared and never shown as
   * a change; a create sends the declared value and every update carries it from the declaration (engine/desired.ts),
   * so a PUT that replaces the object does not drop it. `apply --resend KIND/NAME` forces a write of them. */
  readonly writeOnlyFields?: readonly string[];
  /** Canonical keys that hold another key's value in another form (SensorProfile `associatedRegistries` (names) ↔
   * `associatedRegistryIds`): when a declaration manages one of a pair, a write leaves the other out (the kind derives
   * it), so neither a stale form is sent nor verified. */
  readonly sameAs?: Readonly<Record<string, string>>;
  /** Kinds whose declared and live objects `resolve` reads (their live state is read for the plan). */
  readonly refersTo?: readonly KindName[];
  /** Plan time: the spec with its references to other objects (by name) resolved to what the API takes, or issues at
   * the paths that name an unknown or ambiguous object. The resolved spec is what the plan compares and saves. */
  resolve?(spec: Spec, ctx: RefContext, name: string): { spec: Spec; issues: CheckIssue[] };
  /** Plan time, before `resolve`: lists of things that are not kinds (e.g. the sensors a profile may use) that the
   * declarations' references need, by name (`RefContext.lookup`). Called once a plan with the kind's declared specs;
   * answers {} when none of them needs a list. */
  lookup?(api: ApiClient, specs: ReadonlyArray<Record<string, unknown>>): Promise<Record<string, unknown[]>>;
  /** Plan time, before any create or update of the kind: asks the API whether the write it would send is acceptable
   * (`live` undefined for a create). Returns the refusal's text, or undefined when the API accepts it. A refusal
   * is a plan error at the declaration: no apply starts from it. */
  checkWrite?(api: ApiClient, name: string, desired: Canonical, live: Live | undefined): Promise<string | undefined>;
  /** Live objects (of other kinds) that still name this live object, as `Kind/name` texts: such an object is never
   * pruned. `others` holds the live state read for the plan. */
  heldBy?(live: Live, others: RefContext): string[];
  /** The kinds whose whole live objects (details included) `heldBy` reads; read only when a prune plans a delete. */
  readonly heldByKinds?: readonly KindName[];
}

/** What `resolve` and `heldBy` may read: the declared specs and the live objects of the kinds a kind refers to. */
export interface RefContext {
  declared(kind: KindName): ReadonlyArray<{ name: string; spec: Record<string, unknown> }>;
  live(kind: KindName): readonly unknown[];
  /** A list the kind's `lookup` read; undefined when it was not read (an offline plan). */
  lookup?(name: string): readonly unknown[] | undefined;
}
