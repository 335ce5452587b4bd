// The GitHub Action entry (bundled to dist/index.js by scripts/build.mjs; see action.yml).
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import { redact } from '../redact.js';
import { closeGithubFetch } from './github-fetch.js';
import { run } from './run.js';

run()
  .catch((e: unknown) => {
    core.setFailed(redact(`qcs-gitops: unexpected error: ${errorMessage(e)}`));
  })
  .finally(() => closeGithubFetch());
