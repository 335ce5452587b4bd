// Export: live objects → declaration files (pure; the command in src/cli/export.ts reads and writes).
// One file a object in a folder a kind (`exceptions/log4j-accepted.yaml`), or, for a kind with an
// `exportFile` (secret-rule states), one multi-document file. Each file starts with a yaml-language-server schema line.
import { stringify } from 'yaml';
import type { Kind } from '../kinds/types.js';
import { API_VERSION, type KindName } from '../types.js';

const MAX_SLUG = 80;

export interface ExportOptions {
  /** Include protected system objects (the Default sensor profile, the default centralized policy). */
  includeSystem?: boolean;
  /** The schemas/ folder of the qcs-gitops that exports, relative to the export's folder (POSIX; the CLI passes the
   * installed package's): each file's schema line points there, relative to the file, so an editor resolves it
   * with no network (a project-local install, `node_modules/qcs-gitops/schemas`, resolves for every clone). An
   * absolute path is written as it is. Default `schemas` (the export's folder beside a `schemas/` folder). */
  schemaDir?: string;
}

export interface KindExport {
  kind: KindName;
  /** Objects written. */
  exported: number;
  /** Protected system objects left out (names). */
  leftOut: string[];
}

export interface ExportResult {
  /** Relative POSIX path → file content, in a stable order. */
  files: Map<string, string>;
  kinds: KindExport[];
  /** Things the user should know (names that will not validate, names used twice). */
  warnings: string[];
}

/** A file-name-safe slug of an object name: lower case, `[a-z0-9-]`, no leading/trailing `-`, never empty. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '');
  return s === '' ? 'unnamed' : s;
}

/** Unique slugs for names, in the given order: a collision gets `-2`, `-3`, ... */
export function uniqueSlugs(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = slugify(n);
    let slug = base;
    for (let i = 2; used.has(slug); i++) slug = `${base}-${i}`;
    used.add(slug);
    return slug;
  });
}

/** The line every file export writes carries at its head (after the schema line, which editors want first):
 * `export --force` deletes or replaces only files whose first two lines hold it. */
export const EXPORT_MARKER = '# qcs-gitops export: written by `qcs-gitops export`; the next export --force replaces it (delete this line to keep the file as your own)';

/** The yaml-language-server line of a file written at `file` (relative to the export's folder), then the marker. */
function schemaLine(kind: Kind, file: string, schemaDir = 'schemas'): string {
  const dir = schemaDir.replace(/\/+$/, '');
  const up = dir.startsWith('/') ? '' : '../'.repeat(file.split('/').length - 1);
  return `# yaml-language-server: $schema=${up}${dir}/${kind.schemaFile}\n${EXPORT_MARKER}\n`;
}

/** One declaration document as YAML (no header), fields in a stable order. */
export function renderDocument(kind: KindName, name: string, spec: Record<string, unknown>): string {
  return stringify({ apiVersion: API_VERSION, kind, metadata: { name }, spec }, { lineWidth: 0, indent: 2 });
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NAME_OK = /^\S(.*\S)?$/;

/** Builds the files of an export from the live objects of each kind (`kinds` in output order). */
export function exportFiles(kinds: readonly Kind[], live: ReadonlyMap<KindName, readonly unknown[]>, options: ExportOptions = {}): ExportResult {
  const files = new Map<string, string>();
  const summary: KindExport[] = [];
  const warnings: string[] = [];
  for (const kind of kinds) {
    const objects = live.get(kind.kind) ?? [];
    const leftOut: string[] = [];
    const entries: Array<{ name: string; spec: Record<string, unknown> }> = [];
    for (const obj of objects) {
      const name = kind.nameOf(obj);
      if (kind.isProtected(obj) && !options.includeSystem) {
        leftOut.push(name);
        continue;
      }
      entries.push({ name, spec: kind.toSpec(obj) as Record<string, unknown> });
    }
    entries.sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(JSON.stringify(a.spec), JSON.stringify(b.spec)));

    if (kind.exportFile !== undefined) {
      exportOneFile(kind, kind.exportFile, objects.filter((o) => !kind.isProtected(o) || options.includeSystem), files, warnings, options.schemaDir);
    } else {
      const counts = new Map<string, number>();
      for (const e of entries) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
      const slugs = uniqueSlugs(entries.map((e) => e.name));
      entries.forEach((e, i) => {
        const path = `${kind.folder}/${slugs[i]}.yaml`;
        files.set(path, schemaLine(kind, path, options.schemaDir) + renderDocument(kind.kind, e.name, e.spec));
        for (const issue of kind.check?.(e.spec, e.name) ?? []) {
          warnings.push(`${kind.folder}/${slugs[i]}.yaml: ${issue.path.length ? `spec.${issue.path.join('.')}: ` : ''}${issue.message} (as the account holds it; fix it before applying)`);
        }
        if (!NAME_OK.test(e.name)) warnings.push(`${kind.kind} '${e.name}': the name is empty, spans lines or has leading/trailing spaces; ${kind.folder}/${slugs[i]}.yaml will not validate until it is renamed`);
      });
      for (const [name, n] of counts) {
        if (n > 1) warnings.push(`${kind.kind} '${name}' exists ${n} times in the account; names must be unique for plan/apply — rename all but one`);
      }
    }
    leftOut.sort(byCodePoint);
    summary.push({ kind: kind.kind, exported: entries.length, leftOut });
  }
  return { files, kinds: summary, warnings };
}

/** A kind exported to one multi-document file. An object whose name is empty or shared pins its id in
 * `spec[idField]` (and gets a unique metadata.name: the id, or `name [id]`); without an idField it is warned about. */
function exportOneFile(kind: Kind, file: string, objects: readonly unknown[], files: Map<string, string>, warnings: string[], schemaDir?: string): void {
  if (objects.length === 0) return;
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(kind.nameOf(o), (counts.get(kind.nameOf(o)) ?? 0) + 1);
  const idField = kind.idField;
  const docs = objects.map((o) => {
    const id = kind.idOf(o);
    let name = kind.nameOf(o);
    const spec = kind.toSpec(o) as Record<string, unknown>;
    // metadata.name must be unique and valid; such an object is identified by its pinned id instead.
    if (idField !== undefined && !NAME_OK.test(name)) {
      name = id;
      spec[idField] = id;
    } else if (idField !== undefined && (counts.get(name) ?? 0) > 1) {
      name = `${name} [${id}]`;
      spec[idField] = id;
    }
    return { name, id, spec };
  });
  docs.sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id));
  const shared = [...counts].filter(([, n]) => n > 1).map(([n]) => n);
  if (shared.length) {
    const names = shared.map((n) => `'${n}'`).join(', ');
    warnings.push(
      idField !== undefined
        ? `${kind.kind} objects sharing a name (${names}) are pinned by spec.${idField} in ${file}`
        : `${kind.kind} names used more than once (${names}) in ${file}; names must be unique for plan/apply — rename all but one`,
    );
  }
  files.set(file, schemaLine(kind, file, schemaDir) + docs.map((d) => renderDocument(kind.kind, d.name, d.spec)).join('---\n'));
}
