#!/usr/bin/env bash
# Prepares the build context of the CLI's container image (Dockerfile.cli; docs/containers.md):
#   OUT/Dockerfile           a copy of Dockerfile.cli
#   OUT/rootfs/              this machine's node binary and the libraries it links (scripts/prepare-image-context.sh)
#   OUT/app/bin/qcs-gitops.js, OUT/app/build/cli.js   the CLI as one self-contained bundle (its npm dependencies
#                            bundled in: no node_modules), made from src/ as scripts/build.mjs makes build/cli.js
#   OUT/app/schemas/         the JSON Schemas the CLI validates with (read at run time)
# Usage: scripts/prepare-cli-image-context.sh [OUT_DIR]   (default: .image-context-cli, gitignored)
# Then:  docker build -t qcs-gitops:local OUT_DIR
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/.image-context-cli}"

die() { echo "prepare-cli-image-context: $*" >&2; exit 1; }

[ -f "$repo/build/cli.js" ] || die "build/cli.js is missing; run \`npm run build\` first."
# the node binary and its libraries, as the simulator's image has them; then the CLI in place of the simulator
"$repo/scripts/prepare-image-context.sh" "$out" >/dev/null
rm -f "$out/simulator.js"
cp "$repo/Dockerfile.cli" "$out/Dockerfile"
mkdir -p "$out/app/bin" "$out/app/build"
cp "$repo/bin/qcs-gitops.js" "$out/app/bin/qcs-gitops.js"
cp -R "$repo/schemas" "$out/app/schemas"
(cd "$repo" && node --input-type=module - "$out/app/build/cli.js" <<'JS'
// The CLI from its sources, as scripts/build.mjs bundles it but with its npm dependencies inside and no chunks; the
// declaration validator is the one `npm run build` generated (build/validators.generated.cjs).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
const generated = resolve('build/validators.generated.cjs');
if (!existsSync(generated)) throw new Error('build/validators.generated.cjs is missing: run `npm run build` first');
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: process.argv[2],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: "import { createRequire as __qcsCreateRequire } from 'module'; const require = __qcsCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [{
    name: 'qcs-precompiled-validators',
    setup(b) {
      b.onResolve({ filter: /[/\\]precompiled\.js$/ }, (args) => (args.importer.endsWith('schemas.ts') ? { path: 'precompiled', namespace: 'qcs-precompiled' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'qcs-precompiled' }, () => ({
        contents: `import * as m from ${JSON.stringify(generated)};\nexport const precompiled = { validate: m.validate, sourceHash: m.sourceHash };\n`,
        loader: 'js',
        resolveDir: resolve('.'),
      }));
    },
  }],
});
JS
)
echo "prepare-cli-image-context: $out ready ($(du -sh "$out" | cut -f1)); build it with: docker build -f $out/Dockerfile -t qcs-gitops:local $out"
