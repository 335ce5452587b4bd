// fetch for the GitHub API that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY like the Qualys client does
// (a self-hosted runner behind a proxy reaches api.github.com only through it). Closed at the end of the run.
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import { proxyFor } from '../api/proxy.js';

let agent: EnvHttpProxyAgent | undefined;

/** The fetch to use for `apiUrl`, and the line --debug shows about its proxy. */
export function githubFetch(apiUrl: string, env: NodeJS.ProcessEnv = process.env): { fetch?: typeof fetch; describe: string } {
  const p = proxyFor(apiUrl, env);
  if (!p.via) return { describe: p.describe };
  agent ??= new EnvHttpProxyAgent({ httpProxy: p.httpProxy, httpsProxy: p.httpsProxy, noProxy: p.noProxy });
  const dispatcher = agent;
  const f = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => undiciFetch(input, { ...init, dispatcher })) as unknown as typeof fetch;
  return { fetch: f, describe: p.describe };
}

export async function closeGithubFetch(): Promise<void> {
  const a = agent;
  agent = undefined;
  await a?.close();
}
