// `${values.NAME}` in the strings of a declaration, replaced with the chosen environment's value before validation.
// Runs on a loaded document's data, whose shape (and so every path's position in the file) substitution never changes:
// a diagnostic about a substituted scalar still points at the scalar in the file. A string that is only the reference
// takes the value's type (a number stays a number, a list a list); inside a longer string a value is written as text.
// `$${values.NAME}` stands for the literal text `${values.NAME}`. Values are plain data: no expressions, no code.
import type { Diagnostic } from '../errors.js';
import type { LoadedDocument, PathSegment } from '../declarations/load.js';
import { suggest } from '../declarations/messages.js';
import { formatPath } from '../json.js';
import type { ProjectValue } from './load.js';

export interface ValuesContext {
  /** The chosen environment; undefined when none was picked (a reference is then an error). */
  environment?: string;
  values?: Readonly<Record<string, ProjectValue>>;
  /** Every environment the project defines (for the message when none was picked). */
  environments?: readonly string[];
}

const REFERENCE = /\$(\$?)\{values\.([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describeValues(values: Readonly<Record<string, ProjectValue>>): string {
  const names = Object.keys(values);
  return names.length ? `the values defined are: ${names.join(', ')}` : 'it defines no values';
}

/** Replaces the references in `doc.value` in place; returns a diagnostic (at the scalar's file:line:column) for each
 * reference that cannot be replaced. */
export function substituteValues(doc: LoadedDocument, ctx: ValuesContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new WeakSet<object>();
  const problem = (path: PathSegment[], message: string) => {
    const pos = doc.positionOf(path);
    out.push({ file: pos.file, line: pos.line, column: pos.column, path: formatPath(path), message, severity: 'error' });
  };

  const replace = (s: string, path: PathSegment[]): unknown => {
    const whole = /^\$\{values\.([^}]*)\}$/.exec(s);
    const lookup = (name: string): ProjectValue | undefined => {
      if (!NAME.test(name)) {
        problem(path, `'\${values.${name}}' does not name a value (a name is letters, digits and '_')`);
        return undefined;
      }
      if (ctx.environment === undefined || ctx.values === undefined) {
        const envs = ctx.environments ?? [];
        problem(
          path,
          `'\${values.${name}}' takes its value from an environment, but none was picked; ${envs.length ? `pass --env NAME (one of: ${envs.join(', ')}) or --all-envs` : 'define environments with values in qcs-gitops.yaml and pass --env NAME'}`,
        );
        return undefined;
      }
      if (!Object.hasOwn(ctx.values, name)) {
        const guess = suggest(name, Object.keys(ctx.values));
        problem(path, `value '${name}' is not defined for environment '${ctx.environment}'${guess ? ` — did you mean '${guess}'?` : ''}; ${describeValues(ctx.values)}`);
        return undefined;
      }
      return ctx.values[name];
    };
    if (whole) {
      const v = lookup(whole[1]!);
      return v === undefined ? s : Array.isArray(v) ? [...v] : v;
    }
    let failed = false;
    const text = s.replace(REFERENCE, (all, escaped: string, name: string) => {
      if (escaped) return all.slice(1);
      const v = lookup(name);
      if (v === undefined) {
        failed = true;
        return all;
      }
      if (Array.isArray(v)) {
        problem(path, `value '${name}' of environment '${ctx.environment}' is a list; a list can only stand alone ('\${values.${name}}' as the whole value), not inside text`);
        failed = true;
        return all;
      }
      return String(v);
    });
    return failed ? s : text;
  };

  const walk = (node: unknown, path: PathSegment[]): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') {
          if (v.includes('{values.')) node[i] = replace(v, [...path, i]);
        } else walk(v, [...path, i]);
      }
      return;
    }
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'string') {
        if (v.includes('{values.')) obj[key] = replace(v, [...path, key]);
      } else walk(v, [...path, key]);
    }
  };
  walk(doc.value, []);
  return out;
}
