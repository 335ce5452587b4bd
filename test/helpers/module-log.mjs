// Preload (node --import) that records every module a process loads into the file named by QCS_MODULE_LOG: ES modules
// through a resolve hook (node's module.register), CommonJS ones from require's cache when the process exits.
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.QCS_MODULE_LOG;
if (log) {
  register(
    'data:text/javascript,' +
      encodeURIComponent(
        `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
      ),
  );
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(log, Object.keys(require.cache).map((f) => `file://${f}`).join('\n') + '\n');
  });
}
