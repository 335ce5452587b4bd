// The inputs of reviewed-plan apply and drift issues, read apart from the others (src/action/inputs.ts).
// Defaults mirror action.yml: a plain `node dist/index.js` gets none from the runner.
import * as core from '@actions/core';
import { parseBoolean } from './inputs.js';

export interface ReviewInputs {
  /** Apply the fresh plan without a reviewed digest (the behaviour before reviewed-plan apply). */
  autoApprove: boolean;
  /** On a schedule or manual run: keep one GitHub issue open while there is drift. */
  driftIssue: boolean;
}

export function readReviewInputs(): ReviewInputs {
  return {
    autoApprove: parseBoolean('auto-approve', core.getInput('auto-approve'), false),
    driftIssue: parseBoolean('drift-issue', core.getInput('drift-issue'), false),
  };
}
