#!/usr/bin/env node
// Thin launcher: the CLI is bundled into build/cli.js by `npm run build` (run by `npm ci`/`npm install` via "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../build/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('qcs-gitops: build/cli.js is missing; run `npm run build` (or `npm ci`) first.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
