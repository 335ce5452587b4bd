// `qcs-gitops export --out DIR`: writes the live account as declaration files (one a object, a folder a kind).
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { RunState } from './state.js';
import { addTargetOptions, collect, connect, type TargetFlags } from './common.js';
import { KINDS } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { ExportResult } from '../export/export.js';
import { QcsError, UsageError } from '../errors.js';
import { addProjectOptions, selectEnvironment, type ProjectFlags } from './project.js';
import { processSink } from '../output/events.js';

export interface ExportFlags extends TargetFlags, ProjectFlags {
  out?: string;
  kind?: string[];
  includeSystem?: boolean;
  force?: boolean;
}

function kebab(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Kinds named by --kind (`Exception`, `exception`, `exceptions`, comma-separated too); all kinds when none. */
export function selectKinds(names: readonly string[] | undefined): Kind[] {
  if (!names || names.length === 0) return [...KINDS];
  const wanted = new Set<Kind>();
  for (const raw of names.flatMap((n) => n.split(','))) {
    const n = raw.trim().toLowerCase();
    if (n === '') continue;
    const kind = KINDS.find((k) => k.kind.toLowerCase() === n || kebab(k.kind) === n || k.folder === n);
    if (!kind) throw new UsageError(`--kind '${raw.trim()}' is not a kind`, `Valid kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
    wanted.add(kind);
  }
  return KINDS.filter((k) => wanted.has(k));
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A filesystem failure as a typed error naming the path. */
function fsError(what: string, path: string, e: unknown): QcsError {
  const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
  return new QcsError('E_EXPORT_FILE', `export could not ${what} ${path} (${code})`, { hint: 'Check the folder given to --out: its permissions, and that nothing else writes in it.' });
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsError('read', path, e);
  }
}

/** True when one of the file's first two lines is the export marker (only its head is read). */
async function writtenByExport(path: string, marker: string): Promise<boolean> {
  let h: FileHandle | undefined;
  try {
    h = await open(path, 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/).slice(0, 2).includes(marker);
  } catch (e) {
    throw fsError('read', path, e);
  } finally {
    await h?.close();
  }
}

/** Refuses a non-empty folder without --force. With --force (issue 26): everything is checked before anything is
 * deleted — a kind folder or file that is a symbolic link, or a file export would overwrite that no export wrote
 * (no marker at its head), is refused with its path — then the files a previous export of these kinds wrote
 * (the marker at their head) are removed, so objects deleted since do not linger. Other files are left alone. */
async function prepareOut(out: string, kinds: readonly Kind[], force: boolean, result: ExportResult, marker: string): Promise<number> {
  const dir = await isDirectory(out);
  if (dir === false) throw new UsageError(`--out '${out}' is a file, not a folder`);
  if (dir === undefined) {
    await mkdir(out, { recursive: true }).catch((e: unknown) => Promise.reject(fsError('create', out, e)));
    return 0;
  }
  const entries = await readdir(out);
  if (entries.length === 0) return 0;
  if (!force) {
    throw new UsageError(`--out '${out}' is not empty; export will not overwrite it`, 'Choose an empty or new folder, or pass --force to replace the exported kinds\' files in it.');
  }
  const unsafe: string[] = [];
  const toRemove: string[] = [];
  const consider = async (path: string): Promise<void> => {
    const st = await lstatOrUndefined(path);
    if (!st) return;
    if (st.isSymbolicLink()) unsafe.push(`${path} is a symbolic link`);
    else if (!st.isFile()) unsafe.push(`${path} is not a file`);
    else if (await writtenByExport(path, marker)) toRemove.push(path);
  };
  for (const kind of kinds) {
    if (kind.exportFile !== undefined) {
      await consider(join(out, kind.exportFile));
      continue;
    }
    const folder = join(out, kind.folder);
    const st = await lstatOrUndefined(folder);
    if (!st) continue;
    if (st.isSymbolicLink()) {
      unsafe.push(`${folder} is a symbolic link`);
      continue;
    }
    if (!st.isDirectory()) {
      unsafe.push(`${folder} is not a folder`);
      continue;
    }
    for (const f of await readdir(folder)) if (/\.ya?ml$/i.test(f)) await consider(join(folder, f));
  }
  // a file export would write where a file no export wrote stands: refused, not overwritten
  const removing = new Set(toRemove);
  for (const rel of result.files.keys()) {
    const path = join(out, ...rel.split('/'));
    const st = await lstatOrUndefined(path);
    if (st && !removing.has(path) && !unsafe.some((u) => u.startsWith(`${path} `))) unsafe.push(`${path} exists and was not written by export (no export marker at its head)`);
  }
  if (unsafe.length > 0) {
    throw new QcsError('E_EXPORT_UNSAFE', `export --force refuses to write into ${out}: ${unsafe.length} path${unsafe.length === 1 ? '' : 's'} it cannot prove it owns. Nothing was deleted or written.`, {
      hint: `${unsafe.slice(0, 10).join('; ')}${unsafe.length > 10 ? '; …' : ''}. Export into an empty folder, or move these away.`,
    });
  }
  for (const path of toRemove) await rm(path).catch((e: unknown) => Promise.reject(fsError('delete', path, e)));
  return toRemove.length;
}

async function writeFiles(out: string, result: ExportResult): Promise<void> {
  for (const [rel, content] of result.files) {
    const path = join(out, ...rel.split('/'));
    try {
      await mkdir(dirname(path), { recursive: true });
      // never through a link: a path that appeared meanwhile is refused by the exclusive flag
      await writeFile(path, content, { encoding: 'utf8', flag: 'wx' });
    } catch (e) {
      throw fsError('write', path, e);
    }
  }
}

export function summarize(out: string, result: ExportResult, removed: number): string {
  const lines: string[] = [];
  const total = result.kinds.reduce((n, k) => n + k.exported, 0);
  lines.push(`Exported ${total} object${total === 1 ? '' : 's'} to ${out} (${result.files.size} file${result.files.size === 1 ? '' : 's'}):`);
  for (const k of result.kinds) {
    lines.push(`  ${k.kind}: ${k.exported}${k.leftOut.length ? ` (left out ${k.leftOut.length} system object${k.leftOut.length === 1 ? '' : 's'}: ${k.leftOut.join(', ')}; use --include-system to export them)` : ''}`);
  }
  if (removed) lines.push(`Replaced ${removed} file${removed === 1 ? '' : 's'} of a previous export.`);
  for (const w of result.warnings) lines.push(`Warning: ${w}`);
  lines.push(`Check them with: qcs-gitops validate ${out}`);
  return lines.join('\n') + '\n';
}

/** This installation's schemas/ folder relative to the export's folder (POSIX), for the files' schema lines. */
async function schemaDirFrom(out: string): Promise<string> {
  const { findSchemaDir } = await import('../declarations/schemas.js');
  return relative(resolve(out), findSchemaDir()).split(sep).join('/');
}

export function registerExport(program: Command, state: RunState): void {
  const cmd = program
    .command('export')
    .description('write the live account as declaration files: one a object, in a folder a kind (secret rules in one file)')
    .requiredOption('--out <dir>', 'folder to write (must be empty or new, unless --force)')
    .option('--kind <kind>', 'export only this kind (repeatable; e.g. Exception, SensorProfile)', collect)
    .option('--include-system', 'also export protected system objects (the Default sensor profile, the default centralized policy)')
    .option('--force', 'write into a non-empty folder, replacing the YAML files a previous export of these kinds wrote');
  addProjectOptions(cmd);
  addTargetOptions(cmd).action(async (flags: ExportFlags) => {
    const out = flags.out!;
    const { env } = await selectEnvironment(flags);
    const kinds = selectKinds(flags.kind);
    // Check the folder before reading the account: a refusal should cost no API calls.
    const dir = await isDirectory(out);
    if (dir === false) throw new UsageError(`--out '${out}' is a file, not a folder`);
    if (dir && !flags.force && (await readdir(out)).length > 0) {
      throw new UsageError(`--out '${out}' is not empty; export will not overwrite it`, 'Choose an empty or new folder, or pass --force to replace the exported kinds\' files in it.');
    }
    const [{ fetchLive }, { exportFiles, EXPORT_MARKER }] = await Promise.all([import('../engine/plan.js'), import('../export/export.js')]);
    const conn = await connect(flags, env);
    let result: ExportResult;
    try {
      const live = await fetchLive(conn.api, kinds);
      result = exportFiles(kinds, live, { includeSystem: !!flags.includeSystem, schemaDir: await schemaDirFrom(out) });
    } finally {
      await conn.close();
    }
    const removed = await prepareOut(out, kinds, !!flags.force, result, EXPORT_MARKER);
    await writeFiles(out, result);
    processSink.out(summarize(out, result, removed));
    state.exitCode = 0;
  });
}
