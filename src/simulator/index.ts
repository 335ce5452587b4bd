// The embedded Qualys CS API simulator: startSimulator(options) → { url, close, ... }.
import { Simulator } from './server.js';
import type { SimulatorHandle, SimulatorOptions } from './types.js';

export type { FaultConfig, RateLimitConfig, RecordedRequest, SeedAccount, SimulatorHandle, SimulatorOptions, SimUser } from './types.js';
export { DEFAULT_USERS } from './auth.js';
export { SeedError, readSeedFile } from './seed.js';

/** Starts a simulator listening on 127.0.0.1 (port 0 = a free port). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = new Simulator(options);
  const port = await sim.listen(options.port ?? 0);
  return sim.handle(`http://127.0.0.1:${port}`, port);
}
