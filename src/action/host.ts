// Annotations: each diagnostic on the offending line of its file, as the runner expects them
// (`::error file=…,line=…,col=…::message`, file relative to the workspace).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import type { Diagnostic } from '../errors.js';
import { redact } from '../redact.js';
import { logSafe } from '../output/untrusted.js';

/** The file as GitHub wants it: relative to the workspace root, with forward slashes. */
export function annotationFile(file: string, workspace: string | undefined = process.env.GITHUB_WORKSPACE, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, file);
  const root = workspace ? resolve(workspace) : cwd;
  const rel = relative(root, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : abs).split(sep).join('/');
}

export function annotate(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const message = redact(`${d.path ? `${d.path}: ` : ''}${d.message}`);
    const props = { file: annotationFile(d.file), startLine: d.line, startColumn: d.column };
    if (d.severity === 'warning') core.warning(message, props);
    else core.error(message, props);
  }
}

/** The one way a line reaches the job log: redacted, values made plain, and no line a runner would read as a
 * workflow command (`::…` / `##[…` at its start). Warnings and errors go through @actions/core's commands, whose
 * data it escapes (`%`, `\r`, `\n`). */
export function logInfo(text: string): void {
  core.info(logSafe(redact(text)));
}
