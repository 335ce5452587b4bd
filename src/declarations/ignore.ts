// Checks the spec paths of `metadata.ignore` and of the project file's `ignore` against the kind's schema (walking
// properties and items, through $ref and the schema combinators) and its canonical fields: a path that names no
// field of the kind is an error, with the likely typo.
import type { Kind } from '../kinds/types.js';
import { parseFieldPath } from '../engine/desired.js';
import { unescapePointerToken } from '../json.js';
import { suggest } from './messages.js';
import { schemaSet } from './schemas.js';

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => !!v && typeof v === 'object' && !Array.isArray(v);

/** Resolves a `$ref` (`#/$defs/x` in `file`, or `other.schema.json#/$defs/x`). */
function resolveRef(ref: string, file: string, schemas: ReadonlyMap<string, Schema>): { schema: Schema; file: string } | undefined {
  const [target, fragment = ''] = ref.split('#');
  const inFile = target ? target : file;
  let cur: unknown = schemas.get(inFile);
  for (const raw of fragment.split('/').filter(Boolean)) {
    if (!isSchema(cur)) return undefined;
    cur = cur[unescapePointerToken(raw)];
  }
  return isSchema(cur) ? { schema: cur, file: inFile } : undefined;
}

interface Node {
  schema: Schema;
  file: string;
}

/** The schema and every sub-schema that applies to the same value ($ref, allOf, anyOf, oneOf, then, else). */
function alternatives(node: Node, schemas: ReadonlyMap<string, Schema>, seen = new Set<Schema>()): Node[] {
  if (seen.has(node.schema)) return [];
  seen.add(node.schema);
  const out: Node[] = [node];
  const ref = node.schema.$ref;
  if (typeof ref === 'string') {
    const r = resolveRef(ref, node.file, schemas);
    if (r) out.push(...alternatives(r, schemas, seen));
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = node.schema[key];
    if (Array.isArray(list)) for (const s of list) if (isSchema(s)) out.push(...alternatives({ schema: s, file: node.file }, schemas, seen));
  }
  for (const key of ['then', 'else']) {
    const s = node.schema[key];
    if (isSchema(s)) out.push(...alternatives({ schema: s, file: node.file }, schemas, seen));
  }
  return out;
}

/** The spec schema of a kind. */
function specNode(kind: Kind): Node | undefined {
  const { schemas } = schemaSet();
  const root = schemas.get(kind.schemaFile);
  if (!root) return undefined;
  const spec = (root.properties as Schema | undefined)?.spec;
  return isSchema(spec) ? { schema: spec, file: kind.schemaFile } : undefined;
}

/** What is wrong with `path` as an ignored path of `kind`; undefined when it names a field of the kind. */
export function ignorePathProblem(kind: Kind, path: string): string | undefined {
  const segs = parseFieldPath(path);
  if (typeof segs === 'string') return `not a field path: ${segs}`;
  const { schemas } = schemaSet();
  let nodes: Node[] = [];
  const root = specNode(kind);
  if (root) nodes = alternatives(root, schemas);
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (typeof seg === 'number') {
      const items = nodes.flatMap((n) => (isSchema(n.schema.items) ? alternatives({ schema: n.schema.items, file: n.file }, schemas) : []));
      if (items.length === 0) return `'${path}': ${i === 0 ? 'the spec' : `'${String(segs[i - 1])}'`} is not a list, so it has no item [${seg}] (${kind.kind} fields are listed in schemas/${kind.schemaFile})`;
      nodes = items;
      continue;
    }
    const props = new Map<string, Node[]>();
    let open = false;
    for (const n of nodes) {
      const p = n.schema.properties;
      if (isSchema(p)) for (const [k, s] of Object.entries(p)) if (isSchema(s)) props.set(k, [...(props.get(k) ?? []), { schema: s, file: n.file }]);
      if (isSchema(n.schema.additionalProperties) || n.schema.additionalProperties === true) open = true;
    }
    const candidates = [...props.keys()];
    if (i === 0) {
      // the canonical names the plan prints (a kind's aliases: SecretRule `status` for `secretRuleStatus`)
      for (const k of kind.fields ?? []) if (!props.has(k)) candidates.push(k);
      for (const [alias, canonical] of Object.entries(kind.aliases ?? {})) {
        if (props.has(alias) && !props.has(canonical)) props.set(canonical, props.get(alias)!);
      }
      if (!props.has(seg) && (kind.fields ?? []).includes(seg)) return undefined; // known to the canonical form, not walked further
    }
    const next = props.get(seg);
    if (next) {
      nodes = next.flatMap((n) => alternatives(n, schemas));
      continue;
    }
    const hasProps = nodes.some((n) => isSchema(n.schema.properties));
    const allowsObject = nodes.some((n) => n.schema.type === 'object' || (Array.isArray(n.schema.type) && n.schema.type.includes('object')));
    const isList = nodes.some((n) => isSchema(n.schema.items));
    if (!hasProps && isList && i === 1 && /^[^.[]+\["/.test(path) && kind.namedLists?.[kind.aliases?.[segs[0] as string] ?? (segs[0] as string)] !== undefined) {
      // an item of a named list by its name, as the plan prints it (`rules["No ptrace"].action`)
      nodes = nodes.flatMap((n) => (isSchema(n.schema.items) ? alternatives({ schema: n.schema.items, file: n.file }, schemas) : []));
      continue;
    }
    if (!hasProps && (open || allowsObject)) return undefined; // a free-form mapping (metaData): any key
    if (!hasProps && isList) {
      const head = segs.slice(0, i).map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
      return `'${path}': '${head}' is a list: name one of its items, e.g. ${head}[0].${seg}`;
    }
    const where = i === 0 ? `${kind.kind} has no spec field '${seg}'` : `'${segs.slice(0, i).map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[')}' has no field '${seg}'`;
    const guess = suggest(seg, [...new Set(candidates)]);
    const listed = i === 0 && kind.fields?.length ? [...kind.fields] : [...new Set(candidates)];
    const list = listed.length ? ` (the fields are: ${listed.join(', ')})` : '';
    return `'${path}': ${where}${list}${guess ? ` — did you mean '${guess}'?` : ''}`;
  }
  return undefined;
}
