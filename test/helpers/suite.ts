// The set-up the CLI suites share: the built CLI must be fresh, and one in-process simulator on 127.0.0.1 serves
// the whole describe block.
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale } from './cli.js';

/** Registers the block's beforeAll/afterAll and returns the simulator they start (usable from the tests on). */
export function useSimulator(): SimulatorHandle {
  let handle: SimulatorHandle | undefined;
  beforeAll(async () => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
    handle = await startSimulator();
  });
  afterAll(async () => {
    await handle?.close();
  });
  return new Proxy({} as SimulatorHandle, {
    get(_target, key) {
      if (!handle) throw new Error('the simulator is started in beforeAll: use it from the tests');
      const value: unknown = Reflect.get(handle, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(handle) : value;
    },
  });
}
