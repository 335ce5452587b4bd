// `plan --all-envs`: every environment's plan (or its error) under its name, as one document.
import { QcsError } from '../errors.js';
import type { Plan } from '../engine/model.js';
import { redact } from '../redact.js';
import { renderPlanJson, planToJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderPlanText } from '../render/text.js';
import { renderFindingsText } from '../render/governance.js';
import { reportError } from './messages.js';
import type { Sink } from './events.js';
import { md, plain, plainLines } from './untrusted.js';

export interface EnvOutcome {
  env: string;
  plan?: Plan;
  error?: unknown;
}

function errorText(e: unknown): string {
  let out = '';
  reportError(e, {}, (s) => (out += s));
  return redact(out.trim());
}

function planOf(plan: Plan, format: string, color: boolean): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, { color });
}

export function reportEnvironments(sink: Sink, outcomes: readonly EnvOutcome[], format: string, color: boolean): void {
  if (format === 'json') {
    const environments: Record<string, unknown> = {};
    for (const o of outcomes) {
      environments[o.env] = o.plan
        ? planToJson(o.plan)
        : { environment: o.env, error: { code: o.error instanceof QcsError ? o.error.code : 'E_INTERNAL', message: errorText(o.error) } };
    }
    sink.out(JSON.stringify({ formatVersion: 1, environments }, null, 2) + '\n');
    return;
  }
  const parts = outcomes.map((o) => {
    if (o.plan) {
      if (format === 'text' && o.plan.findings?.length) sink.err(`Environment ${plain(o.env)}:\n${renderFindingsText(o.plan.findings)}`);
      return planOf(o.plan, format, color);
    }
    const text = errorText(o.error);
    return format === 'markdown' ? `### qcs-gitops plan for environment ${md.code(o.env)} failed\n\n${md.fence(text)}` : `Environment: ${plain(o.env)}\n\n${plainLines(text)}\n`;
  });
  sink.out(parts.join(format === 'markdown' ? '\n' : '\n' + '─'.repeat(60) + '\n\n'));
}
