// Builds the CLI (build/cli.js), the standalone simulator (build/simulator.js), the benchmark (build/bench.js)
// and the GitHub Action bundle (dist/index.js, committed), and regenerates the kind lists in schemas/. esbuild is deterministic: the same sources give the same bytes.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const banner = { js: "import { createRequire as __qcsCreateRequire } from 'module'; const require = __qcsCreateRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'warning', legalComments: 'none' };

const entries = [
  { in: 'src/cli/main.ts', out: 'build/cli.js', external: true },
  { in: 'src/simulator/main.ts', out: 'build/simulator.js', external: false },
  { in: 'bench/bench.ts', out: 'build/bench.js', external: true },
  { in: 'src/action/main.ts', out: 'dist/index.js', external: false },
];

for (const e of entries) {
  if (!existsSync(e.in)) continue;
  await build({ ...common, entryPoints: [e.in], outfile: e.out, packages: e.external ? 'external' : undefined });
}

// The schema files that list kinds (the envelope's kind enum, declaration.schema.json's dispatch) follow the
// kind registry, src/kinds/index.ts: regenerate them (CI fails when the committed ones are stale).
await build({ ...common, entryPoints: ['scripts/registry-schemas.ts'], outfile: 'build/registry-schemas.js', packages: 'external' });
const { writeRegistrySchemas } = await import(new URL('../build/registry-schemas.js', import.meta.url).href);
for (const f of writeRegistrySchemas(new URL('../schemas/', import.meta.url).pathname)) console.log(`schemas/${f} regenerated from src/kinds/index.ts`);
