// What the workflow run is about: the event, its pull request, and which command `auto` stands for. Pure.
import { readFileSync } from 'node:fs';
import type { Command } from './inputs.js';

export interface EventContext {
  name: string;
  ref?: string;
  /** owner/repo */
  repository?: string;
  defaultBranch?: string;
  pullRequest?: { number: number; headSha?: string; baseSha?: string };
  /** A push's `before`: the commit the push replaced (absent for a new branch, all zeros in the payload). */
  before?: string;
}

interface Payload {
  repository?: { default_branch?: unknown; full_name?: unknown };
  pull_request?: { number?: unknown; head?: { sha?: unknown }; base?: { sha?: unknown } };
  before?: unknown;
}

const isSha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{40,64}$/.test(v) && !/^0+$/.test(v);

/** Reads the event from the runner's environment (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REF, GITHUB_REPOSITORY). */
export function readEvent(env: NodeJS.ProcessEnv = process.env): EventContext {
  let payload: Payload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Payload;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request;
  const repository = env.GITHUB_REPOSITORY || (typeof payload.repository?.full_name === 'string' ? payload.repository.full_name : undefined);
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF || undefined,
    repository,
    defaultBranch: typeof payload.repository?.default_branch === 'string' ? payload.repository.default_branch : undefined,
    pullRequest:
      pr && typeof pr.number === 'number'
        ? { number: pr.number, headSha: typeof pr.head?.sha === 'string' ? pr.head.sha : undefined, ...(isSha(pr.base?.sha) ? { baseSha: pr.base.sha } : {}) }
        : undefined,
    ...(isSha(payload.before) ? { before: payload.before } : {}),
  };
}

/** The commit whose declarations a run compares with (--base): on a pull request its base commit, on a push to the
 * default branch the commit the push replaced (so the plan reviewed on the pull request and the plan applied on the
 * merge name the same deletes); none on a schedule, a manual run or any other event (a drift check never deletes). */
export function baseOf(event: EventContext): string | undefined {
  if (isPullRequest(event)) return event.pullRequest!.baseSha;
  if (event.name === 'push' && event.defaultBranch && event.ref === `refs/heads/${event.defaultBranch}`) return event.before;
  return undefined;
}

export interface Decision {
  command: 'plan' | 'apply';
  /** Why `auto` chose a plan where one might expect otherwise (shown as a notice). */
  notice?: string;
}

/** `auto`: plan on pull requests, schedules and manual runs; apply on a push to the default branch; plan otherwise. */
export function decideCommand(requested: Command, event: EventContext): Decision {
  if (requested !== 'auto') return { command: requested };
  switch (event.name) {
    case 'pull_request':
    case 'pull_request_target':
    case 'schedule':
    case 'workflow_dispatch':
      return { command: 'plan' };
    case 'push': {
      if (!event.defaultBranch) return { command: 'plan', notice: 'command auto: the push event does not name the default branch, so only a plan is made.' };
      if (event.ref === `refs/heads/${event.defaultBranch}`) return { command: 'apply' };
      return { command: 'plan', notice: `command auto: ${event.ref ?? 'this ref'} is not the default branch (${event.defaultBranch}), so only a plan is made.` };
    }
    default:
      return { command: 'plan', notice: `command auto: '${event.name || 'unknown'}' events get a plan (apply runs on a push to the default branch).` };
  }
}

export function isPullRequest(event: EventContext): boolean {
  return (event.name === 'pull_request' || event.name === 'pull_request_target') && event.pullRequest !== undefined;
}
