import type { SourcePos } from './errors.js';

/** A kind's name (`Exception`, …): one of KIND_NAMES in src/kinds/index.ts, the registry. */
export type KindName = string;

export const API_VERSION = 'qcs-gitops/v1';

/** One validated YAML document. */
export interface Declaration<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: KindName;
  name: string; // metadata.name: the natural key
  spec: Spec;
  /** metadata.annotations: free-form strings for people and tools (a ticket, an approver); never sent to the API. */
  annotations?: Record<string, string>;
  /** metadata.ignore: spec paths as the plan prints them, never compared, their live values carried by every write. */
  ignore?: string[];
  /** Where the document starts. */
  source: SourcePos;
  /** Position of a field path (`spec.rules.0.name`, dot-joined) in the file, for diagnostics. */
  positionOf(path: (string | number)[]): SourcePos;
}
