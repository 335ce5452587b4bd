// The declaration validator precompiled from schemas/ (ajv standalone code, scripts/gen-validators.mjs). scripts/build.mjs
// replaces this module in the bundles (build/cli.js, dist/index.js) by build/validators.generated.cjs; run from the
// sources (the tests), there is none and schemas.ts compiles the schema files.
import type { ValidateFunction } from 'ajv';

export interface Precompiled {
  validate: ValidateFunction;
  /** Hash of the schema files the code was generated from (schemaHash in schemas.ts). */
  sourceHash: string;
}

export const precompiled: Precompiled | undefined = undefined;
