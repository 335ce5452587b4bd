// `qcs-gitops export` end to end (in-process CLI against the simulator on 127.0.0.1):
// export → validate → plan shows no change; refusal of a non-empty folder; --force; --kind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadAndValidate } from '../../src/declarations/validate.js';
import { EXPORT_MARKER } from '../../src/export/export.js';

/** An account in the API's read representation, with its quirks (metaData string, null tagIds, v1.3 runtime). */
const SEED = {
  centralizedPolicies: [
    {
      policyName: 'Prod: block stale images',
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'ACTIVE',
      description: '',
      centralizedPolicyRules: [
        { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', isEnabled: true, stopProcessing: false, sortOrder: 0, metaData: '{"value":180}', kind: 'IMAGE_SECURITY' },
      ],
      exclusionPolicyRules: [],
      isDefault: false,
      tagIds: null,
      k8sFilters: [{ cluster: null, namespace: { namespaceUuid: null, namespaceValue: 'payments', clusterUid: 'f8c3de3d-1fea-4d7c-a8b0-29f63c4c3454' } }],
    },
  ],
  runtimePolicies: [
    {
      name: 'Web hardening',
      description: 'no writes',
      policyMode: 'ACTIVE',
      defaultNetworkAction: 'ALLOW',
      defaultExecuteAction: 'ALLOW',
      defaultFileAction: 'DENY',
      ignoredSyscalls: ['futex', 'epoll_wait'],
      rules: [
        { name: 'deny writes', ruleType: 'WRITE', action: 'DENY', program: '*', file: '/var/www/*', inactive: false },
        { name: 'ssh out', ruleType: 'NETWORK_OUTBOUND', action: 'DENY', program: '*', ipAddress: '0.0.0.0/0', port: 22, inactive: true },
      ],
    },
  ],
  exceptions: [
    { name: 'log4j accepted', reason: 'RISK_ACCEPTED', explanation: 'isolated', scope: 'IMAGE', entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.repository:legacy/*', startDate: '1767225600000', endDate: '1782863999000' },
    { name: 'scanner false positives', reason: 'FALSE_POSITIVE', explanation: '', scope: 'IMAGE', startDate: '1767225600000', endDate: '1798761600000', qids: [376157, 90984] },
  ],
  sensorProfiles: [
    { profileName: 'EU registries', description: 'eu', profileType: 'Registry', associatedRegistryIds: ['1ec46398-23be-40fc-8cde-8b4bd916d5fa'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] },
  ],
  secretRules: [{ secretDetector: 'Shopify Token', status: 'Inactive', severity: 'CRITICAL' }],
};

let dir: string;
let out: string;
let stdout: string;
let stderr: string;
let sim: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qcs-export-'));
  out = join(dir, 'out');
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(SEED));
  sim = ['--simulator', join(dir, 'seed.json'), '--state', join(dir, 'state.json')];
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(((s: string | Uint8Array) => ((stdout += String(s)), true)) as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(((s: string | Uint8Array) => ((stderr += String(s)), true)) as never);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => main(['node', 'qcs-gitops', ...args]);

describe('qcs-gitops export', () => {
  it('exports the account; the files validate and plan shows no change', async () => {
    expect(await run('export', '--out', out, ...sim)).toBe(0);
    expect(stdout).toMatch(/Exported 69 objects/);
    expect(stdout).toMatch(/SensorProfile: 1 \(left out 1 system object: Default/);
    expect(readdirSync(out).sort()).toEqual(['centralized-policies', 'exceptions', 'runtime-policies', 'secret-rules.yaml', 'sensor-profiles']);
    expect(readdirSync(join(out, 'exceptions')).sort()).toEqual(['log4j-accepted.yaml', 'scanner-false-positives.yaml']);
    expect(readdirSync(join(out, 'centralized-policies'))).toEqual(['prod-block-stale-images.yaml']);
    const shopify = readFileSync(join(out, 'secret-rules.yaml'), 'utf8');
    expect(shopify).toMatch(/name: Shopify Token\nspec:\n  status: Inactive\n  severity: CRITICAL\n/);

    const { diagnostics, declarations } = await loadAndValidate([out]);
    expect(diagnostics).toEqual([]);
    expect(declarations).toHaveLength(69);

    stdout = '';
    expect(await run('plan', out, ...sim, '--detailed-exitcode')).toBe(0);
    expect(stdout).toMatch(/0 to create, 0 to update, 0 to delete/);
    expect(stdout).toMatch(/69 unchanged, 0 unmanaged/);
  });

  it('refuses a non-empty folder without --force; --force replaces the exported kinds\' files only', async () => {
    mkdirSync(join(out, 'exceptions'), { recursive: true });
    // written by an earlier export (the marker at its head): removed; a file without it would be kept (force-safety.test.ts)
    writeFileSync(join(out, 'exceptions', 'deleted-since.yaml'), `${EXPORT_MARKER}\nstale`);
    writeFileSync(join(out, 'README.md'), 'mine');
    mkdirSync(join(out, 'runtime-policies'));
    writeFileSync(join(out, 'runtime-policies', 'keep.yaml'), 'not exported this time');

    expect(await run('export', '--out', out, ...sim)).toBe(1);
    expect(stderr).toMatch(/is not empty; export will not overwrite it/);
    expect(stderr).toMatch(/--force/);
    expect(existsSync(join(dir, 'state.json'))).toBe(false); // refused before reading the account

    expect(await run('export', '--out', out, '--kind', 'exception', '--force', ...sim)).toBe(0);
    expect(readdirSync(join(out, 'exceptions')).sort()).toEqual(['log4j-accepted.yaml', 'scanner-false-positives.yaml']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('mine');
    expect(readFileSync(join(out, 'runtime-policies', 'keep.yaml'), 'utf8')).toBe('not exported this time');
    expect(existsSync(join(out, 'secret-rules.yaml'))).toBe(false);
    expect(stdout).toMatch(/Replaced 1 file of a previous export/);
  });

  it('rejects an unknown --kind and an --out that is a file', async () => {
    expect(await run('export', '--out', out, '--kind', 'Policy', ...sim)).toBe(1);
    expect(stderr).toMatch(/--kind 'Policy' is not a kind/);
    writeFileSync(join(dir, 'file'), '');
    expect(await run('export', '--out', join(dir, 'file'), ...sim)).toBe(1);
    expect(stderr).toMatch(/is a file, not a folder/);
  });

  it('--include-system exports the system objects too', async () => {
    expect(await run('export', '--out', out, '--include-system', '--kind', 'SensorProfile,CentralizedPolicy', ...sim)).toBe(0);
    expect(readdirSync(join(out, 'sensor-profiles')).sort()).toEqual(['default.yaml', 'eu-registries.yaml']);
    expect(readdirSync(join(out, 'centralized-policies')).length).toBe(2);
  });
});
