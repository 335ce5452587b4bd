// The one output seam. The engine's workflows (engine/workflow.ts) and the commands report what happens as
// events to a Reporter; a reporter turns them into text, json or markdown on a Sink (the CLI), or into the
// Action's log lines and outputs. Nothing else writes to stdout or stderr. In the spirit of aws-cdk-cli's I/O
// host and Terraform's views: the model is data, each output is one reporter of it.
import type { ApiStats } from '../api/types.js';
import type { ApplyResult, ChangeResult, Plan, PlannedChange } from '../engine/model.js';
import type { ReadProgress } from '../engine/plan.js';
import type { Finding } from '../governance/findings.js';
import { terminalSafe } from './untrusted.js';

export type RunEvent =
  /** A read of the live state starts (`phase` names it on the progress line). */
  | { type: 'reading'; phase: string; stats?: () => ApiStats }
  /** One kind's live state has arrived. */
  | { type: 'read'; progress: ReadProgress }
  /** The read is over (successfully or not). */
  | { type: 'read-done' }
  /** The plan is ready (and, for an apply, checked against the reviewed one). */
  | { type: 'plan'; plan: Plan }
  /** Governance findings about the declarations (text shows them apart from the plan). */
  | { type: 'findings'; findings: readonly Finding[] }
  /** The plan was saved for `apply --plan`. */
  | { type: 'saved'; file: string; environment?: string }
  /** An apply of `total` changes starts. */
  | { type: 'applying'; total: number; stats?: () => ApiStats }
  /** A change starts (its first try). */
  | { type: 'change-started'; change: PlannedChange }
  /** A try of a change failed in a way that may pass: it is tried again after `waitMs`. */
  | { type: 'retry'; change: PlannedChange; attempt: number; of: number; waitMs: number; error: string }
  /** One change has been carried out (or failed, or was skipped). */
  | { type: 'change'; result: ChangeResult; done: number; failed: number; total: number }
  /** The apply is over: its results, verified. */
  | { type: 'applied'; result: ApplyResult }
  /** The plan holds no change: nothing was applied. */
  | { type: 'nothing-to-apply' }
  /** The user declined the confirmation: nothing was applied. */
  | { type: 'cancelled' }
  /** Something the user should know that is not an error (text: stderr). */
  | { type: 'warning'; message: string }
  /** A message of the command's own, beside the document (text: stderr), e.g. why a run fails under --strict. */
  | { type: 'message'; message: string };

export interface Reporter {
  emit(event: RunEvent): void;
  /** Ends the output (stops a progress line, writes a buffered document). */
  close(): void;
}

/** Where a reporter writes: the document (stdout) and the messages about it (stderr). */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

/** The terminal's sink. Values reach it already made plain (untrusted.ts); as a last guard it lets no control
 * character through but line breaks, tabs and the colour codes of the text renderer. */
export const processSink: Sink = {
  out: (text) => void process.stdout.write(terminalSafe(text)),
  err: (text) => void process.stderr.write(terminalSafe(text)),
};

/** A sink that keeps what is written (tests, and output composed before it is shown). */
export function memorySink(): Sink & { stdout: string; stderr: string } {
  const s = { stdout: '', stderr: '', out: (t: string) => void (s.stdout += t), err: (t: string) => void (s.stderr += t) };
  return s;
}
