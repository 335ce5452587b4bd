// The GitHub Action: a thin shell over the same engine as the CLI. It reads the inputs and the event, then
// validates, plans and (on a push to the default branch) applies, and reports through the Action I/O host:
// annotations, the job summary, outputs, one sticky PR comment. Only this module turns results into a failure.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { resolveTarget } from '../api/config.js';
import { createClient } from '../api/client.js';
import type { ApiClient } from '../api/types.js';
import { hasErrors, loadAndValidate } from '../declarations/validate.js';
import type { Plan } from '../engine/model.js';
import { hasChanges, type LiveState } from '../engine/plan.js';
import { applyWorkflow, planWorkflow } from '../engine/workflow.js';
import { ApplyTracker, knownResult } from '../engine/apply.js';
import type { RunEvent } from '../output/events.js';
import { actionReporter } from './reporter.js';
import { PlanError, QcsError, ValidationError, errorMessage, type Diagnostic } from '../errors.js';
import { KINDS } from '../kinds/index.js';
import { redact } from '../redact.js';
import { renderApplyMarkdown } from '../render/markdown.js';
import { applySummaryLine } from '../render/text.js';
import { GitHubApiError, commentMarker, upsertStickyComment, type GitHubTarget } from './comment.js';
import { digestDifferences, isReviewedSubset, planDigest } from '../engine/digest.js';
import { syncDriftIssue } from './drift.js';
import { githubFetch } from './github-fetch.js';
import { findReviewed, type Reviewed } from './review.js';
import { readReviewInputs, type ReviewInputs } from './review-inputs.js';
import { environmentOf, loadProject, type Environment, type Project } from '../project/load.js';
import { loadOptionsFor, pathsFor, targetOfEnvironment } from '../project/select.js';
import { currentTime, exceptionFindings } from '../governance/findings.js';
import { findingsSummary } from '../render/governance.js';
import { baseOf, decideCommand, isPullRequest, readEvent, type EventContext } from './event.js';
import { planBase, type PlanBase } from '../project/base.js';
import type { Declaration } from '../types.js';
import { maskSecret, maskSecrets, readInputs, type ActionInputs } from './inputs.js';
import { annotate, logInfo } from './host.js';
import { md } from '../output/untrusted.js';
import { driftClosedComment, driftIssue, failureComment, failureMarkdown, planComment, planSummary, refusalMarkdown, type RunInfo } from './report.js';

function runInfo(inputs: ActionInputs, event: EventContext, env: NodeJS.ProcessEnv): RunInfo {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return {
    paths: inputs.paths,
    sha: event.pullRequest?.headSha ?? env.GITHUB_SHA,
    runUrl: event.repository && env.GITHUB_RUN_ID ? `${server}/${event.repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    ...(inputs.environment ? { environment: inputs.environment } : {}),
  };
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(redact(markdown), true).write();
  } catch (e) {
    core.warning(redact(`could not write the job summary: ${errorMessage(e)}`));
  }
}

function githubTarget(token: string, repository: string, env: NodeJS.ProcessEnv): GitHubTarget {
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const { fetch, describe } = githubFetch(apiUrl, env);
  if (core.isDebug()) core.debug(redact(`GitHub API ${describe}`));
  return { apiUrl, token, repository, fetch, log: (line) => logInfo(redact(line)) };
}

/** Posts or updates the sticky comment; a read-only token (a plain 403, as on a fork) only warns; a rate limit
 * that outlasts the bounded wait fails. */
async function comment(inputs: ActionInputs, event: EventContext, env: NodeJS.ProcessEnv, body: string): Promise<void> {
  if (!inputs.githubToken) {
    core.warning('No github-token: the plan is not posted on the pull request (it is in the job summary).');
    return;
  }
  if (!event.repository || !event.pullRequest) return;
  try {
    const r = await upsertStickyComment({ ...githubTarget(inputs.githubToken, event.repository, env), issueNumber: event.pullRequest.number }, redact(body), commentMarker(inputs.environment));
    core.setOutput('comment-id', String(r.id));
    logInfo(`${r.created ? 'Posted' : 'Updated'} the plan comment${r.url ? ` ${r.url}` : ` ${r.id}`}.`);
  } catch (e) {
    if (e instanceof GitHubApiError && e.status === 403 && !e.rateLimited) {
      core.warning(
        redact(`Cannot comment on pull request #${event.pullRequest.number} (${e.message}). The token is read-only, as on a pull request from a fork; the plan is in the job summary.`),
      );
      return;
    }
    throw new QcsError('E_GITHUB_COMMENT', `could not post the plan on pull request #${event.pullRequest.number}: ${errorMessage(e)}`, {
      hint:
        e instanceof GitHubApiError && e.rateLimited
          ? 'GitHub rate-limited the token for longer than the Action waits; run the job again later.'
          : 'Give the job `permissions: pull-requests: write`, or set `comment: false`.',
    });
  }
}

function connect(inputs: ActionInputs, environment?: Environment): ApiClient {
  const given = { gatewayUrl: inputs.gatewayUrl, platform: inputs.platform, username: inputs.username, password: inputs.password, token: inputs.token };
  // an environment reads its own variables only, never the ambient QUALYS_* ones
  const target = environment ? resolveTarget(targetOfEnvironment(environment, given), {}) : resolveTarget(given);
  return createClient(target, {
    debug: core.isDebug() ? (line) => core.debug(redact(line)) : undefined,
    warn: (line) => core.warning(redact(line)),
  });
}

async function planFilePath(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'qcs-gitops-'));
  return join(dir, 'plan.json');
}

interface Planned {
  plan: Plan;
  live: LiveState;
  api: ApiClient;
}

/** The project file and the input `environment`'s entry in it; the paths are then the environment's unless `path` is given. */
async function selectProject(inputs: ActionInputs): Promise<{ project: Project; environment?: Environment }> {
  const project = await loadProject(inputs.config);
  if (!inputs.environment) return { project };
  const environment = environmentOf(project, inputs.environment);
  for (const name of [environment.passwordEnv, environment.tokenEnv]) if (name) maskSecret(process.env[name]);
  if (!inputs.pathsGiven) inputs.paths = pathsFor([], environment);
  if (inputs.paths.length === 0) inputs.paths = ['policies'];
  return { project, environment };
}

/** The base of the run's removals; a workspace that is not a git checkout gets a warning and no removals (the
 * CLI's --base is an error there: asked for explicitly). A base commit that cannot be found or fetched is an error. */
async function baseForAction(ref: string, inputs: ActionInputs, declarations: Declaration[]): Promise<PlanBase | undefined> {
  try {
    return await planBase({ ref, argPaths: inputs.paths, config: inputs.config, env: inputs.environment, fetchMissing: true }, declarations);
  } catch (e) {
    if (!(e instanceof QcsError && e.code === 'E_GIT_REPO')) throw e;
    core.warning(redact(`${e.message}: removed declarations are not planned as deletes. Check the repository out with actions/checkout (fetch-depth: 0).`));
    return undefined;
  }
}

async function planStep(inputs: ActionInputs, env: NodeJS.ProcessEnv, event: EventContext, fallbackBase?: string): Promise<Planned> {
  const { project, environment } = await selectProject(inputs);
  const { declarations, diagnostics } = await loadAndValidate(inputs.paths, loadOptionsFor(project, environment));
  if (hasErrors(diagnostics)) throw new ValidationError(diagnostics);
  annotate(diagnostics); // warnings only
  const findings = exceptionFindings(declarations, project.governance, currentTime());
  annotate(findings); // governance: error or warning level on the line of the field
  // git history says what was removed: the pull request's base, or the commit a push to the default branch replaced
  const baseRef = baseOf(event) ?? fallbackBase;
  const since = baseRef === undefined ? undefined : await baseForAction(baseRef, inputs, declarations);
  if (since) logInfo(`Removals and renames are planned against the base commit ${baseRef}.`);
  for (const w of since?.warnings ?? []) core.warning(redact(w));
  const prune = inputs.prune || !!project.prune.always;
  const api = connect(inputs, environment);
  try {
    const file = await planFilePath(env);
    const { plan, live } = await planWorkflow(
      {
        api,
        kinds: KINDS,
        declarations,
        options: {
          prune,
          maxDeletes: inputs.maxDeletes,
          ignore: project.ignore,
          ...(project.prune.match.length ? { pruneMatch: project.prune.match } : {}),
          ...(project.prune.kinds?.length ? { pruneKinds: project.prune.kinds } : {}),
          ...since?.options,
        },
        phase: 'plan: reading the live state',
        environment: environment?.name,
        findings,
        save: { file, gateway: api.gateway, paths: inputs.paths, prune },
        ...(since ? { base: since.base } : {}),
      },
      actionReporter(),
    );
    return { plan, live, api };
  } catch (e) {
    await api.close();
    throw e;
  }
}

/** Opens, updates or closes the drift issue. Never fails the job: without `issues: write` (or on any GitHub
 * error) it warns, and the job ends as it would have without drift-issue. */
async function reportDrift(inputs: ActionInputs, event: EventContext, env: NodeJS.ProcessEnv, plan: Plan): Promise<void> {
  if (!inputs.githubToken || !event.repository) {
    core.warning('drift-issue: no github-token or repository, so no drift issue was opened or closed.');
    return;
  }
  const info = runInfo(inputs, event, env);
  try {
    const r = await syncDriftIssue(
      githubTarget(inputs.githubToken, event.repository, env),
      hasChanges(plan) ? (({ title, body }) => ({ title: redact(title), body: redact(body) }))(driftIssue(plan, info)) : undefined,
      redact(driftClosedComment(info)),
    );
    if (r.action === 'none') logInfo('No drift, and no open drift issue.');
    else {
      core.setOutput('drift-issue', String(r.number));
      logInfo(`${r.action === 'opened' ? 'Opened' : r.action === 'updated' ? 'Updated' : 'Closed'} the drift issue #${r.number}${r.url ? ` ${r.url}` : ''}.`);
    }
  } catch (e) {
    const plain403 = e instanceof GitHubApiError && e.status === 403 && !e.rateLimited;
    core.warning(
      redact(
        plain403
          ? `drift-issue: the token may not write issues (${errorMessage(e)}). Give the job \`permissions: issues: write\`.`
          : `drift-issue: could not open, update or close the drift issue: ${errorMessage(e)}`,
      ),
    );
  }
}

async function runPlan(inputs: ActionInputs, review: ReviewInputs, event: EventContext, env: NodeJS.ProcessEnv): Promise<void> {
  const { plan, api } = await planStep(inputs, env, event);
  await api.close();
  await writeSummary(planSummary(plan, inputs.paths));
  if (inputs.comment && isPullRequest(event)) await comment(inputs, event, env, planComment(plan, runInfo(inputs, event, env)));
  if (review.driftIssue && (event.name === 'schedule' || event.name === 'workflow_dispatch')) await reportDrift(inputs, event, env, plan);
  if (inputs.strict && plan.findings?.length) {
    core.setFailed(`${findingsSummary(plan.findings)} strict is true: any finding fails the step (see the annotations).`);
    return;
  }
  if (inputs.detailedExitcode && hasChanges(plan)) {
    core.setFailed(`Drift: the live account differs from the declarations (${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} planned; detailed-exitcode is true).`);
  }
}

/** The reviewed plan of the pushed commit: its merged pull request's plan comment and the digest in it. */
async function reviewedPlan(inputs: ActionInputs, event: EventContext, env: NodeJS.ProcessEnv): Promise<Reviewed> {
  if (!inputs.githubToken || !event.repository) {
    throw new QcsError('E_NO_REVIEWED_PLAN', 'No github-token (or repository), so the reviewed plan of the merged pull request cannot be read. Nothing was applied.', {
      hint: 'Pass `github-token` (the default `${{ github.token }}` does, with `permissions: pull-requests: read`), or set `auto-approve: true`.',
    });
  }
  const r = await findReviewed(githubTarget(inputs.githubToken, event.repository, env), env.GITHUB_SHA, event.defaultBranch, commentMarker(inputs.environment));
  logInfo(`Reviewed plan: pull request #${r.pullRequest}${r.expected.sha ? ` (planned at ${r.expected.sha.slice(0, 12)})` : ''}, digest ${r.expected.digest}.`);
  return r;
}

async function runApply(inputs: ActionInputs, review: ReviewInputs, event: EventContext, env: NodeJS.ProcessEnv): Promise<void> {
  // Without auto-approve, nothing is applied unless it is the plan reviewed on the merged pull request.
  const reviewed = review.autoApprove ? undefined : await reviewedPlan(inputs, event, env);
  if (review.autoApprove) logInfo('auto-approve: the fresh plan is applied without comparing it with a reviewed one.');
  // a push event without `before` (all the runner gives is GITHUB_SHA): the base the reviewed plan was made with
  const { plan, live, api } = await planStep(inputs, env, event, event.name === 'push' && !event.before ? reviewed?.expected.base : undefined);
  try {
    if (reviewed) {
      const differences = digestDifferences(reviewed.expected, plan);
      if (differences.length === 0) logInfo(`The fresh plan is the reviewed one (digest ${reviewed.expected.digest}).`);
      else if (isReviewedSubset(reviewed.expected, plan)) {
        // a re-run of a merge whose apply failed half-way: what is left is exactly as reviewed, the rest is done
        core.notice(redact(`${differences.length} reviewed change${differences.length === 1 ? ' is' : 's are'} no longer needed (carried out already, e.g. by an earlier try of this run): ${differences.join('; ')}. The rest of the reviewed plan is applied.`));
      } else {
        const message = `The fresh plan is not the one reviewed on pull request #${reviewed.pullRequest} (digest ${planDigest(plan)}, reviewed ${reviewed.expected.digest}). Nothing was applied.`;
        await writeSummary(refusalMarkdown('### qcs-gitops apply refused', message, differences, plan));
        core.setFailed(
          redact(
            [`[E_DIGEST_MISMATCH] ${message}`, ...differences.map((d) => `  - ${d}`), '  Someone changed the account (or the merge changed the declarations) since the review: plan again on a pull request and review it, or set auto-approve: true.'].join('\n'),
          ),
        );
        return;
      }
    }
    if (inputs.strict && plan.findings?.length) {
      await writeSummary(planSummary(plan, inputs.paths) + '\nNothing was applied: strict is true and there are governance findings.\n');
      core.setFailed(`${findingsSummary(plan.findings)} strict is true: nothing was applied (see the annotations).`);
      return;
    }
    // The plan just made is carried out: it is the reviewed one (same digest), or auto-approve is set. A cancelled
    // job (SIGINT, then SIGTERM from the runner) starts no new change and still writes the summary; a second signal
    // ends the step at once.
    const interrupt = new AbortController();
    const tracker = new ApplyTracker();
    const next = `qcs-gitops plan ${inputs.paths.join(' ')}${inputs.environment ? ` --env ${inputs.environment}` : ''}`;
    const onSignal = (sig: NodeJS.Signals) => {
      if (interrupt.signal.aborted) {
        // the runner's second signal (SIGTERM after SIGINT): the summary of what is known, then out at once
        const known = knownResult(plan, tracker.results, tracker.inFlight, String(interrupt.signal.reason));
        known.interrupted!.next = next;
        core.setFailed(redact(`Apply interrupted by ${String(interrupt.signal.reason)}, then ${sig}: ${applySummaryLine(known)} ${known.interrupted!.inFlight.length} in flight (outcome unknown). See what remains: ${next}`));
        void writeSummary(renderApplyMarkdown(known) + `\nTo see what remains: ${md.code(next)}\n`).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
        return;
      }
      interrupt.abort(sig);
      core.warning(`${sig}: the job is being cancelled; no new change is started, those in flight finish, then the summary is written.`);
    };
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    let outcome: Awaited<ReturnType<typeof applyWorkflow>>;
    try {
      const reporter = actionReporter();
      const tracking = {
        emit: (e: RunEvent) => {
          if (e.type === 'change-started') tracker.started(e.change);
          if (e.type === 'change') tracker.finished(e.result);
          reporter.emit(e);
        },
        close: () => reporter.close(),
      };
      outcome = await applyWorkflow({ api, kinds: KINDS, plan, live, parallelism: inputs.parallelism, signal: interrupt.signal }, tracking);
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
    if (outcome.status !== 'applied') {
      await writeSummary(planSummary(plan, inputs.paths) + '\nNothing to apply.\n');
      return;
    }
    const { result } = outcome;
    if (result.interrupted) result.interrupted.next = next;
    await writeSummary(renderApplyMarkdown(result) + '\n' + planSummary(plan, inputs.paths) + (result.interrupted ? `\nTo see what remains: ${md.code(result.interrupted.next!)}\n` : ''));
    if (result.interrupted) {
      core.setFailed(redact(`Apply interrupted by ${result.interrupted.signal}: ${applySummaryLine(result)} See what remains: ${result.interrupted.next}`));
      return;
    }
    const s = result.summary;
    if (!outcome.ok) {
      const why = [
        s.failed > 0 ? `${s.failed} failed` : '',
        s.skipped > 0 ? `${s.skipped} skipped` : '',
        result.notConverged.length > 0 ? `${result.notConverged.length} not converged` : !result.verified ? 'not verified' : '',
      ].filter(Boolean);
      core.setFailed(redact(`Apply did not complete (${why.join(', ')}). ${applySummaryLine(result)}`));
    }
  } finally {
    await api.close();
  }
}

function errorParts(e: unknown): { message: string; details: string[]; diagnostics: Diagnostic[] } {
  if (e instanceof ValidationError) return { message: `${e.message} (see the annotations)`, details: [], diagnostics: e.diagnostics };
  if (e instanceof QcsError) {
    const details = e instanceof PlanError ? [...e.details] : [];
    if (e.hint) details.push(e.hint);
    return { message: `[${e.code}] ${e.message}`, details, diagnostics: [] };
  }
  return { message: errorMessage(e), details: [], diagnostics: [] };
}

/** Entry point. Never throws: every failure ends in core.setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  maskSecrets(env);
  let inputs: ActionInputs | undefined;
  let review: ReviewInputs;
  let event: EventContext | undefined;
  let command: 'plan' | 'apply' = 'plan';
  try {
    inputs = readInputs();
    review = readReviewInputs();
    event = readEvent(env);
    const decision = decideCommand(inputs.command, event);
    command = decision.command;
    if (decision.notice) core.notice(decision.notice);
    logInfo(`qcs-gitops: ${command}${inputs.environment ? ` for environment ${inputs.environment}` : ''} of ${inputs.pathsGiven || !inputs.environment ? inputs.paths.join(', ') : "the environment's paths"} (event ${event.name || 'unknown'}).`);
    if (command === 'apply') await runApply(inputs, review, event, env);
    else await runPlan(inputs, review, event, env);
  } catch (e) {
    const { message, details, diagnostics } = errorParts(e);
    annotate(diagnostics);
    core.setFailed(redact([message, ...details.map((d) => `  ${d}`)].join('\n')));
    if (!inputs || !event) return;
    const title = `### qcs-gitops ${command}${inputs.environment ? ` for environment ${md.code(inputs.environment)}` : ''} failed`;
    await writeSummary(failureMarkdown(title, message, details, diagnostics));
    const failedOnComment = e instanceof QcsError && e.code === 'E_GITHUB_COMMENT';
    if (command === 'plan' && inputs.comment && isPullRequest(event) && !failedOnComment) {
      // Replace the previous plan: a stale plan must not look current.
      try {
        await comment(inputs, event, env, failureComment(message, details, diagnostics, runInfo(inputs, event, env)));
      } catch (e2) {
        core.warning(redact(errorMessage(e2)));
      }
    }
  }
}
