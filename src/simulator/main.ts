// Standalone simulator entry (bundled to build/simulator.js for the container image).
// Environment: PORT (default 8080), SIM_SEED (seed file), SIM_STATE (state file), SIM_LATENCY_MS.
import { startSimulator } from './index.js';

function intEnv(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) {
    process.stderr.write(`qcs-simulator: ${name} must be a non-negative integer, got "${raw}"\n`);
    process.exit(1);
  }
  return Number(raw);
}

async function run(): Promise<void> {
  const sim = await startSimulator({
    port: intEnv('PORT', 8080),
    seed: process.env['SIM_SEED'] || undefined,
    statePath: process.env['SIM_STATE'] || undefined,
    latencyMs: intEnv('SIM_LATENCY_MS', 0),
    log: process.env['SIM_LOG'] === '1' ? (l) => process.stdout.write(`${l}\n`) : undefined,
  });
  process.stdout.write(`qcs-simulator listening on ${sim.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`qcs-simulator stopping (${signal})\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

run().catch((e: unknown) => {
  process.stderr.write(`qcs-simulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
