// `qcs-gitops comment FILE`: posts a document (the plan as markdown) as the one comment of the current change request
// in a CI system other than GitHub (src/ci/), updated in place on every run; one comment an environment.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { QcsError } from '../errors.js';
import { commentMarker } from '../action/comment.js';
import { processSink } from '../output/events.js';
import type { RunState } from './state.js';

interface CommentFlags {
  provider: string;
  environment?: string;
}

export function registerComment(program: Command, state: RunState): void {
  program
    .command('comment')
    .description('post FILE (e.g. `plan --format markdown` output) as the one comment of this merge request, updated in place (GitLab CI)')
    .argument('<file>', 'the comment body (markdown)')
    .option('--provider <name>', 'the CI system: auto (detected) or gitlab', 'auto')
    .option('--environment <name>', 'one comment for each environment: the one of this name')
    .addHelpText('after', '\nGitLab: a project access token with the `api` scope in QCS_GITLAB_TOKEN (the job token cannot write notes).\nOutside a merge-request pipeline nothing is posted (exit 0). See docs/other-ci.md.')
    .action(async (file: string, flags: CommentFlags) => {
      const { providerFor } = await import('../ci/index.js');
      const provider = providerFor(flags.provider, process.env);
      let body: string;
      try {
        body = await readFile(file, 'utf8');
      } catch (e) {
        throw new QcsError('E_USAGE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: 'Write it first, e.g. qcs-gitops plan policies/ --format markdown > plan.md' });
      }
      const event = provider.event(process.env);
      if (event.kind !== 'change-request' || event.changeRequest === undefined) {
        processSink.err(`Not a merge-request pipeline (${provider.name}: ${event.kind}): no comment posted.\n`);
        state.exitCode = 0;
        return;
      }
      const r = await provider.upsertComment(process.env, event.changeRequest, commentMarker(flags.environment), body);
      processSink.err(`${r.created ? 'Posted' : 'Updated'} the plan comment on merge request !${event.changeRequest} (note ${r.id}).\n`);
      state.exitCode = 0;
    });
}
