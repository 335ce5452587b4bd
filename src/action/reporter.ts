// The Action's reporter: the workflow's events as log lines (redacted) and step outputs. The job summary, the
// sticky comment and the failure are run.ts's: they depend on the event, not on the workflow.
import * as core from '@actions/core';
import { planDigest } from '../engine/digest.js';
import type { Plan } from '../engine/model.js';
import { hasChanges } from '../engine/plan.js';
import type { Reporter, RunEvent } from '../output/events.js';
import { retryLine } from '../output/reporters.js';
import { redact } from '../redact.js';
import { logInfo } from './host.js';
import { renderApplyText, renderPlanText, renderResultLine } from '../render/text.js';

function setPlanOutputs(plan: Plan, planFile: string): void {
  core.setOutput('has-changes', String(hasChanges(plan)));
  core.setOutput('creates', String(plan.summary.create));
  core.setOutput('updates', String(plan.summary.update));
  core.setOutput('deletes', String(plan.summary.delete));
  core.setOutput('plan-file', planFile);
}

export function actionReporter(): Reporter {
  let plan: Plan | undefined;
  const emit = (e: RunEvent): void => {
    switch (e.type) {
      case 'plan':
        plan = e.plan;
        logInfo(redact(renderPlanText(e.plan)));
        break;
      case 'saved':
        if (plan) setPlanOutputs(plan, e.file);
        logInfo(`Saved the plan to ${e.file}${plan ? ` (digest ${planDigest(plan)})` : ''}.`);
        break;
      case 'retry':
        logInfo(redact(retryLine(e).trimEnd()));
        break;
      case 'change':
        logInfo(redact(renderResultLine(e.result)));
        break;
      case 'applied':
        logInfo(redact(renderApplyText(e.result)));
        break;
      case 'nothing-to-apply':
        logInfo('Nothing to apply.');
        break;
      case 'warning':
        core.warning(redact(e.message));
        break;
      case 'message':
        logInfo(redact(e.message));
        break;
      default:
      // reads and findings: the findings are annotated on their lines when the declarations are loaded
    }
  };
  return { emit, close() {} };
}
