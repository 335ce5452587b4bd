// `qcs-gitops show FILE`: renders a plan again — one saved by `plan --out`, or the document of `plan --format json`
// — as text, markdown or json, without reading the declarations or calling the API (Terraform's `show`).
import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { QcsError } from '../errors.js';
import type { Plan, PlannedChange } from '../engine/model.js';
import { processSink } from '../output/events.js';
import { useColor } from './common.js';
import type { RunState } from './state.js';

interface ShowFlags {
  format: string;
  color?: boolean;
}

const HINT = 'Give a file written by `qcs-gitops plan … --out FILE` or by `qcs-gitops plan … --format json > FILE`.';

/** A plan read from a saved plan or a json plan document; E_PLAN_FILE when it is neither. */
async function readPlanDocument(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new QcsError('E_PLAN_FILE', `cannot read the plan file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: HINT });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new QcsError('E_PLAN_FILE', `${file} is not a plan (not JSON)`, { hint: HINT });
  }
  const d = doc as Partial<Plan> | null;
  const isObj = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(d) || d!.formatVersion !== 1 || !Array.isArray(d!.changes) || !isObj(d!.summary) || !d!.changes.every(isObj)) {
    throw new QcsError('E_PLAN_FILE', `${file} is not a qcs-gitops plan (formatVersion 1 with changes and a summary)`, { hint: HINT });
  }
  // the json document writes absent values as null (a create's id and before, a delete's after)
  const changes = d!.changes.map((c) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) if (v !== null) out[k] = v;
    if (!Array.isArray(out.patch)) out.patch = [];
    return out as unknown as PlannedChange;
  });
  return { ...(d as Plan), changes, notes: Array.isArray(d!.notes) ? d!.notes : [] };
}

export function registerShow(program: Command, state: RunState): void {
  program
    .command('show')
    .description('render a saved plan (plan --out) or a json plan (plan --format json) again; no declarations read, no API call')
    .argument('<file>', 'the plan file')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--no-color', 'no colour even on a terminal')
    .action(async (file: string, flags: ShowFlags) => {
      const plan = await readPlanDocument(file);
      const { reporterFor } = await import('../output/reporters.js');
      const reporter = reporterFor(flags.format, { sink: processSink, command: 'plan', color: flags.color !== false && useColor(), progress: false });
      try {
        reporter.emit({ type: 'plan', plan });
        if (plan.findings?.length) reporter.emit({ type: 'findings', findings: plan.findings });
      } finally {
        reporter.close();
      }
      state.exitCode = 0;
    });
}
