// resolvePath(): the first of several candidate paths that the gateway serves, found once a run and remembered.
import { ApiError, QcsError } from '../errors.js';

export class PathResolver {
  private readonly resolved = new Map<string, Promise<string>>();

  /** `get` performs one GET of a candidate (first page, one item) for the caller's label. */
  constructor(private readonly get: (label: string | undefined, path: string) => Promise<unknown>) {}

  resolve(label: string | undefined, candidates: string[]): Promise<string> {
    if (candidates.length === 0) return Promise.reject(new QcsError('E_USAGE', 'resolvePath needs at least one candidate path'));
    const key = candidates.join('\n');
    let p = this.resolved.get(key);
    if (!p) {
      p = this.probe(candidates, label);
      this.resolved.set(key, p);
      // a failure (network, auth) is not an answer: let a later call try again
      p.catch(() => this.resolved.delete(key));
    }
    return p;
  }

  private async probe(candidates: string[], label: string | undefined): Promise<string> {
    let first404: ApiError | undefined;
    for (const candidate of candidates) {
      try {
        await this.get(label, candidate);
        return candidate;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code === 'E_API_404') {
          first404 ??= e;
          continue;
        }
        // another client error (403 included) says the path exists; rate limits, server errors,
        // redirects and exhausted retries say nothing, and are not remembered
        if (e instanceof ApiError && e.code === `E_API_${e.status}` && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) {
          return candidate;
        }
        throw e;
      }
    }
    throw first404!;
  }
}
