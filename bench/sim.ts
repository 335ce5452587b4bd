// The simulator in its own process: `node build/cli.js simulate --port 0 --seed … --latency … --concurrency …`.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SimProcess {
  url: string;
  username: string;
  password: string;
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startSimProcess(cli: string, seedFile: string, latencyMs: number, concurrency: number, extraArgs: string[] = []): Promise<SimProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'simulate', '--port', '0', '--seed', seedFile, '--latency', String(latencyMs), '--concurrency', String(concurrency), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start within 60 s\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${code}) before listening\n${err}`));
    });
  });
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/__sim/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? undefined : { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`simulator admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    // the simulator's documented test credentials (not secrets)
    username: 'qcs-demo',
    password: 'qcs-demo-password',
    admin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
