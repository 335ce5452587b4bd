// `qcs-gitops doctor [paths…]`: checks the account against what the tool assumes, read-only (POST /auth and GETs):
// configuration, the token, each kind's list and details, rate limits, and every probed assumption by id.
import { Option, type Command } from 'commander';
import type { RunState } from './state.js';
import { addTargetOptions, connect, splitSimulatorArg, type TargetFlags } from './common.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment, type ProjectFlags } from './project.js';
import type { Environment, Project } from '../project/load.js';
import type { ObservedAnswer } from '../api/wire.js';
import type { CheckStatus, DoctorConfig } from '../doctor/doctor.js';
import { processSink } from '../output/events.js';

interface DoctorFlags extends TargetFlags, ProjectFlags {
  format: string;
  verbose?: boolean;
}

/** How the gateway was chosen, in the order resolveTarget (api/config.ts) and the environments apply. */
function gatewaySource(flags: DoctorFlags, env: Environment | undefined, project: Project, vars: NodeJS.ProcessEnv): string {
  if (flags.simulator) return 'the embedded simulator (--simulator)';
  if (env) return `environment '${env.name}' of ${project.file ?? 'the project file'}`;
  if (flags.gatewayUrl) return '--gateway-url';
  if (flags.platform) return `platform ${flags.platform.toUpperCase()} (--platform)`;
  if (vars.QUALYS_GATEWAY_URL?.trim()) return 'QUALYS_GATEWAY_URL';
  if (vars.QUALYS_PLATFORM?.trim()) return `platform ${vars.QUALYS_PLATFORM.trim().toUpperCase()} (QUALYS_PLATFORM)`;
  return 'unknown';
}

/** Where the credentials come from: variable and flag names, never values. */
function credentialSource(flags: DoctorFlags, env: Environment | undefined, vars: NodeJS.ProcessEnv): string {
  if (flags.simulator) return "the simulator's test user";
  if (env) return [env.tokenEnv, env.usernameEnv, env.passwordEnv].filter(Boolean).join(', ') + ` (named by environment '${env.name}')`;
  const from: string[] = [];
  if (flags.token) from.push('--token');
  else if (vars.QUALYS_TOKEN) from.push('QUALYS_TOKEN');
  if (flags.username) from.push('--username');
  else if (vars.QUALYS_USERNAME?.trim()) from.push('QUALYS_USERNAME');
  if (flags.password) from.push('--password');
  else if (vars.QUALYS_PASSWORD) from.push('QUALYS_PASSWORD');
  return from.join(', ') || 'none';
}

function tlsOf(gateway: string, insecure: boolean): { status: CheckStatus; detail: string } {
  if (gateway.startsWith('http:')) return { status: 'ok', detail: 'plain http to a loopback host (the simulator)' };
  return insecure ? { status: 'warning', detail: 'certificate verification OFF (--insecure): never for production' } : { status: 'ok', detail: 'certificate verification on' };
}

export function registerDoctor(program: Command, state: RunState): void {
  const cmd = program
    .command('doctor')
    .description('check the account against every API assumption the tool makes, read-only (POST /auth and GETs only); run it before the first apply')
    .argument('[paths...]', "declaration files or folders: probe only the kinds they use and estimate a plan's calls (with --env, default to the environment's paths)")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--verbose', 'also list the assumptions no read-only call can check, with why');
  addProjectOptions(cmd);
  addTargetOptions(cmd).action(async (argPaths: string[], flags: DoctorFlags) => {
    const { project, env } = await selectEnvironment(flags);
    const paths = pathsFor(splitSimulatorArg(flags, argPaths), env);
    const [{ loadDeclarations }, { KINDS }, { runDoctor }, { renderDoctorJson, renderDoctorText }, { proxyFor }] = await Promise.all([
      import('../declarations/validate.js'),
      import('../kinds/index.js'),
      import('../doctor/doctor.js'),
      import('../render/doctor.js'),
      import('../api/proxy.js'),
    ]);
    const declarations = paths.length ? await loadDeclarations(paths, loadOptionsFor(project, env)) : undefined;
    const answers: ObservedAnswer[] = [];
    const conn = await connect(flags, env, { observe: (a) => answers.push(a) });
    try {
      const config: DoctorConfig = {
        gateway: conn.simulated ? conn.api.gateway : conn.gateway,
        gatewaySource: gatewaySource(flags, env, project, process.env),
        ...(conn.simulated ? {} : { proxy: proxyFor(conn.gateway).describe }),
        tls: tlsOf(conn.api.gateway, flags.insecure === true),
        credentials: credentialSource(flags, env, process.env),
        nodeVersion: process.version,
      };
      const report = await runDoctor({ api: conn.api, kinds: KINDS, declarations, config, answers });
      processSink.out(flags.format === 'json' ? renderDoctorJson(report) : renderDoctorText(report, { verbose: flags.verbose }));
      state.exitCode = report.ok ? 0 : 1;
    } finally {
      await conn.close();
    }
  });
}
