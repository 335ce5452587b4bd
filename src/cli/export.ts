// `qcs-gitops export --out DIR`: writes the live account as declaration files (one a object, a folder a kind).
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { RunState } from './state.js';
import { addTargetOptions, collect, connect, type TargetFlags } from './common.js';
import { KINDS } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { ExportResult } from '../export/export.js';
import { UsageError } from '../errors.js';
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

/** Refuses a non-empty folder without --force; with --force removes the YAML files a previous export of these kinds
 * wrote (so objects deleted since do not linger as declarations). Other files are left alone. */
async function prepareOut(out: string, kinds: readonly Kind[], force: boolean): Promise<number> {
  const dir = await isDirectory(out);
  if (dir === false) throw new UsageError(`--out '${out}' is a file, not a folder`);
  if (dir === undefined) {
    await mkdir(out, { recursive: true });
    return 0;
  }
  const entries = await readdir(out);
  if (entries.length === 0) return 0;
  if (!force) {
    throw new UsageError(`--out '${out}' is not empty; export will not overwrite it`, 'Choose an empty or new folder, or pass --force to replace the exported kinds\' files in it.');
  }
  let removed = 0;
  for (const kind of kinds) {
    if (kind.exportFile !== undefined) {
      if (entries.includes(kind.exportFile)) {
        await rm(join(out, kind.exportFile));
        removed++;
      }
      continue;
    }
    const folder = join(out, kind.folder);
    if (!(await isDirectory(folder))) continue;
    for (const f of await readdir(folder)) {
      if (/\.ya?ml$/i.test(f)) {
        await rm(join(folder, f));
        removed++;
      }
    }
  }
  return removed;
}

async function writeFiles(out: string, result: ExportResult): Promise<void> {
  for (const [rel, content] of result.files) {
    const path = join(out, ...rel.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, 'utf8');
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
    const [{ fetchLive }, { exportFiles }] = await Promise.all([import('../engine/plan.js'), import('../export/export.js')]);
    const conn = await connect(flags, env);
    let result: ExportResult;
    try {
      const live = await fetchLive(conn.api, kinds);
      result = exportFiles(kinds, live, { includeSystem: !!flags.includeSystem, schemaDir: await schemaDirFrom(out) });
    } finally {
      await conn.close();
    }
    const removed = await prepareOut(out, kinds, !!flags.force);
    await writeFiles(out, result);
    processSink.out(summarize(out, result, removed));
    state.exitCode = 0;
  });
}
