// Run by scripts/build.mjs (bundled to build/registry-schemas.js): rewrites schemas/envelope.schema.json's kind
// enum, schemas/declaration.schema.json and schemas/plan.schema.json's kind enum from the kind registry. Prints the files it changed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS } from '../src/kinds/index.js';
import { DISPATCH_FILE, ENVELOPE_FILE, PLAN_FILE, registrySchemaTexts } from '../src/declarations/registry-schemas.js';
import { readSchemaFiles } from '../src/declarations/schemas.js';

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function writeRegistrySchemas(dir: string): string[] {
  const changed: string[] = [];
  const texts = registrySchemaTexts(KINDS, readFileSync(join(dir, ENVELOPE_FILE), 'utf8'), readOrUndefined(join(dir, DISPATCH_FILE)), readFileSync(join(dir, PLAN_FILE), 'utf8'));
  for (const [file, text] of texts) {
    const path = join(dir, file);
    if (readOrUndefined(path) !== text) {
      writeFileSync(path, text);
      changed.push(file);
    }
  }
  // every kind's schema file exists, is named by its $id, and agrees with the registry (its kind const): the build
  // fails here, saying which file, rather than at the first validate
  readSchemaFiles(dir);
  return changed;
}
