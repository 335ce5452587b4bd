// Builds the CLI (build/cli.js and its lazily loaded chunks in build/chunks/), the standalone simulator
// (build/simulator.js), the benchmark (build/bench.js) and the GitHub Action bundle (dist/index.js, committed).
// First it regenerates the kind lists in schemas/ from the kind registry, then the declaration validator from
// schemas/ (build/validators.generated.cjs, ajv standalone code), which it bundles in place of
// src/declarations/precompiled.ts. esbuild is deterministic: the same sources give the same bytes.
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateValidators } from './gen-validators.mjs';

const banner = { js: "import { createRequire as __qcsCreateRequire } from 'module'; const require = __qcsCreateRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'warning', legalComments: 'none' };

// The schema files that list kinds (the envelope's kind enum, declaration.schema.json's dispatch) follow the
// kind registry, src/kinds/index.ts: regenerate them (CI fails when the committed ones are stale).
await build({ ...common, entryPoints: ['scripts/registry-schemas.ts'], outfile: 'build/registry-schemas.js', packages: 'external' });
const { writeRegistrySchemas } = await import(new URL('../build/registry-schemas.js', import.meta.url).href);
for (const f of writeRegistrySchemas(new URL('../schemas/', import.meta.url).pathname)) console.log(`schemas/${f} regenerated from src/kinds/index.ts`);

export const GENERATED_VALIDATORS = 'build/validators.generated.cjs';
mkdirSync('build', { recursive: true });
writeFileSync(GENERATED_VALIDATORS, generateValidators('schemas'));

/** Bundles the generated validator in place of src/declarations/precompiled.ts. */
const precompiledPlugin = {
  name: 'qcs-precompiled-validators',
  setup(b) {
    b.onResolve({ filter: /[/\\]precompiled\.js$/ }, (args) =>
      args.importer.endsWith('schemas.ts') ? { path: 'precompiled', namespace: 'qcs-precompiled' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'qcs-precompiled' }, () => ({
      contents: `import * as m from ${JSON.stringify(resolve(GENERATED_VALIDATORS))};\nexport const precompiled = { validate: m.validate, sourceHash: m.sourceHash };\n`,
      loader: 'js',
      resolveDir: resolve('.'),
    }));
  },
};

const entries = [
  // split: the commands' heavy parts (HTTP client, simulator, engine) are chunks loaded by import() when a command
  // needs them, so `validate` and `--help` parse none of them
  { in: 'src/cli/main.ts', out: 'build/cli.js', external: true, split: true },
  { in: 'src/simulator/main.ts', out: 'build/simulator.js', external: false },
  { in: 'bench/bench.ts', out: 'build/bench.js', external: true },
  { in: 'src/action/main.ts', out: 'dist/index.js', external: false },
];

rmSync('build/chunks', { recursive: true, force: true });
for (const e of entries) {
  if (!existsSync(e.in)) continue;
  const where = e.split
    ? { splitting: true, outdir: 'build', entryNames: 'cli', chunkNames: 'chunks/[name]-[hash]' }
    : { outfile: e.out };
  await build({ ...common, ...where, entryPoints: [e.in], packages: e.external ? 'external' : undefined, plugins: [precompiledPlugin] });
}
