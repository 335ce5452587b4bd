// Issue 26: untrusted text stays text. A corpus of hostile names (and messages, ids, field values) runs through
// every renderer; each output is checked by a parser against the same document made with a benign name:
// terminal: no raw control byte and the same lines; markdown (markdown-it, a CommonMark parser): the same HTML
// elements in the same order; Actions log: no line a runner would read as a workflow command; json: the values
// back, unchanged.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { ApplyResult, Plan } from '../../src/engine/model.js';
import type { Finding } from '../../src/governance/findings.js';
import type { ExceptionReport } from '../../src/governance/report.js';
import { renderApplyMarkdown, renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderApplyText, renderPlanText, renderResultLine } from '../../src/render/text.js';
import { renderApplyJson, renderPlanJson } from '../../src/render/json.js';
import { renderFindingsMarkdown, renderFindingsText, renderReportMarkdown, renderReportText } from '../../src/render/governance.js';
import { reportEnvironments } from '../../src/output/environments.js';
import { reporterFor } from '../../src/output/reporters.js';
import { memorySink } from '../../src/output/events.js';
import { failureMarkdown, planComment, refusalMarkdown } from '../../src/action/report.js';
import { isWorkflowCommand, logSafe, md, plain, terminalSafe } from '../../src/output/untrusted.js';
import { QcsError } from '../../src/errors.js';
import { CORPUS } from '../helpers/names-corpus.js';


const md5 = new MarkdownIt({ html: true });

/** The sequence of HTML elements (open tags) markdown-it makes of a document. */
function elements(markdown: string): string[] {
  const html = md5.render(markdown);
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b/g)].map((m) => m[1]!.toLowerCase());
}

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function plan(name: string): Plan {
  const value = name;
  return {
    formatVersion: 1,
    environment: name,
    changes: [
      { kind: 'Exception', name, action: 'create', patch: [], after: { name: value, metaData: { [name]: value }, tags: [value] } },
      {
        kind: 'RuntimePolicy',
        name,
        action: 'update',
        id: name,
        patch: [{ op: 'replace', path: '/description', value }],
        before: { name, description: 'old' },
        after: { name, description: value },
      },
      { kind: 'CentralizedPolicy', name, action: 'delete', id: name, patch: [], before: { name, description: value } },
    ],
    summary: { create: 1, update: 1, delete: 1, unchanged: 0, unmanaged: 0 },
    notes: [`RuntimePolicy ${name} is a system object; it is left alone.`],
    findings: [finding(name)],
  };
}

function finding(name: string): Finding {
  return { code: 'EXCEPTION_EXPIRED', severity: 'error', kind: 'Exception', name, file: `policies/${name}.yaml`, line: 3, column: 5, path: 'spec.endDate', message: `exception ${name} has expired` } as Finding;
}

function result(name: string): ApplyResult {
  return {
    results: [
      { kind: 'Exception', name, action: 'create', status: 'created', id: name },
      { kind: 'RuntimePolicy', name, action: 'update', status: 'failed', id: name, error: { code: 'E_API_400', message: `the API says: ${name}` } },
      { kind: 'CentralizedPolicy', name, action: 'delete', status: 'skipped', reason: `a dependency failed: ${name}` },
    ],
    notConverged: [{ kind: 'Exception', name, patch: [{ op: 'replace', path: `/${name}`, value: name }] }],
    verified: false,
    summary: { created: 1, updated: 0, deleted: 0, failed: 1, skipped: 1 },
  };
}

function report(name: string): ExceptionReport {
  return {
    today: '2026-12-07',
    environment: name,
    live: true,
    rows: [{ name, declared: false, scope: name, assignment: name, start: '2026-01-01', end: name, daysLeft: 3, ticket: name }],
  } as ExceptionReport;
}

/** Every text (terminal) rendering of a name. */
function texts(name: string): Record<string, string> {
  const sink = memorySink();
  const r = reporterFor('text', { sink, command: 'apply' });
  r.emit({ type: 'plan', plan: plan(name) });
  r.emit({ type: 'saved', file: `${name}.json`, environment: name });
  r.emit({ type: 'retry', change: plan(name).changes[0]!, attempt: 1, of: 3, waitMs: 100, error: name });
  r.emit({ type: 'warning', message: `warning about ${name}` });
  r.emit({ type: 'change', result: result(name).results[1]!, done: 1, failed: 1, total: 3 });
  r.emit({ type: 'applied', result: result(name) });
  r.close();
  const envs = memorySink();
  reportEnvironments(envs, [{ env: name, plan: plan(name) }, { env: name, error: new QcsError('E_BAD_RESPONSE', `item ${name} is bad`) }], 'text', false);
  return {
    plan: renderPlanText(plan(name)),
    planColor: renderPlanText(plan(name), { color: true }).replace(/\u001b\[[0-9;]*m/g, ''),
    apply: renderApplyText(result(name)),
    resultLines: result(name).results.map(renderResultLine).join('\n'),
    findings: renderFindingsText([finding(name)]),
    report: renderReportText(report(name)),
    reporterOut: sink.stdout,
    reporterErr: sink.stderr,
    environments: envs.stdout + envs.stderr,
  };
}

/** Every markdown rendering of a name. */
function markdowns(name: string): Record<string, string> {
  const envs = memorySink();
  reportEnvironments(envs, [{ env: name, plan: plan(name) }, { env: name, error: new QcsError('E_BAD_RESPONSE', `item ${name} is bad`) }], 'markdown', false);
  const info = { paths: [name], sha: '0123456789abcdef', runUrl: 'https://github.test/run/1', environment: name };
  return {
    plan: renderPlanMarkdown(plan(name), { limit: 100_000_000 }),
    apply: renderApplyMarkdown(result(name)),
    findings: renderFindingsMarkdown([finding(name)]),
    report: renderReportMarkdown(report(name)),
    environments: envs.stdout,
    comment: planComment(plan(name), info, 100_000_000),
    failure: failureMarkdown(`### failed ${md.code(name)}`, `[E_X] ${name} failed`, [`detail ${name}`], [{ ...finding(name), severity: 'error' }]),
    refusal: refusalMarkdown('### refused', `the plan of ${name} changed`, [`Exception/${name}: changed`], plan(name)),
  };
}

describe('untrusted names stay text in every renderer (issue 26)', { timeout: 60_000 }, () => {
  for (const [label, name] of Object.entries(CORPUS)) {
    // the benign twin: a plain name of the same length (the same truncations)
    const benign = 'n'.repeat(name.length);
    const benignText = texts(benign);
    const benignElements = Object.fromEntries(Object.entries(markdowns(benign)).map(([k, v]) => [k, elements(v)]));
    it(`terminal: ${label}`, () => {
      for (const [where, out] of Object.entries(texts(name))) {
        expect(RAW_CONTROL.test(out), `${where} holds a raw control character`).toBe(false);
        expect(out.split('\n').length, `${where}: a value added or removed a line`).toBe(benignText[where]!.split('\n').length);
      }
    });

    it(`markdown: ${label}`, () => {
      for (const [where, out] of Object.entries(markdowns(name))) {
        expect(RAW_CONTROL.test(out), `${where} holds a raw control character`).toBe(false);
        expect(elements(out), `${where}: the HTML elements differ from the benign document's`).toEqual(benignElements[where]);
      }
    });

    it(`Actions log: ${label}`, () => {
      for (const [where, out] of Object.entries(texts(name))) {
        const lines = logSafe(out).split('\n');
        expect(lines.filter(isWorkflowCommand), `${where}: a line the runner would run`).toEqual([]);
        expect(RAW_CONTROL.test(logSafe(out))).toBe(false);
      }
    });

    it(`json: ${label}`, () => {
      const doc = JSON.parse(renderPlanJson(plan(name))) as { changes: Array<{ name: string; after: { metaData: Record<string, string> } | null }>; environment: string };
      expect(doc.environment).toBe(name);
      expect(doc.changes[0]!.name).toBe(name);
      expect(doc.changes[0]!.after!.metaData[name]).toBe(name);
      const applied = JSON.parse(renderApplyJson(result(name))) as { results: Array<{ name: string }> };
      expect(applied.results[0]!.name).toBe(name);
      const sink = memorySink();
      const r = reporterFor('json', { sink, command: 'plan' });
      r.emit({ type: 'plan', plan: plan(name) });
      r.close();
      expect((JSON.parse(sink.stdout) as { changes: Array<{ name: string }> }).changes[1]!.name).toBe(name);
    });
  }
});

describe('the escaping rules', () => {
  it('terminal: controls shown as escapes, idempotent, one line', () => {
    expect(plain('a\u001bb\nc\u0007d\u202e')).toBe('a\\eb\\nc\\u0007d\\u202e');
    expect(plain(plain('a\u001b\n'))).toBe(plain('a\u001b\n'));
  });

  it('the terminal sink lets only line breaks, tabs and colour codes through', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\n\tx\u001b]8;;u\u0007\r')).toBe('\u001b[31mred\u001b[0m\n\tx\\e]8;;u\\u0007\\r');
  });

  it('markdown: a value with backticks gets a longer fence; pipes and metacharacters are escaped', () => {
    expect(md.code('a``b')).toBe('```a``b```');
    expect(md.code('`a')).toBe('`` `a ``');
    expect(md.code('a|b')).toBe('`a\\|b`');
    expect(md.text('<img> *x* [l](u) # a_b _c_ @team')).toBe('\\<img\\> \\*x\\* \\[l\\](u) \\# a_b \\_c\\_ \\@team');
    expect(md.text('- x')).toBe('\\- x');
    expect(md.text('---')).toBe('\\---');
    expect(md.text('-1 (expired)')).toBe('-1 (expired)');
    expect(md.text('12. x')).toBe('12\\. x');
    expect(md.fence('x\n````y')).toBe('`````\nx\n````y\n`````\n');
    expect(md5.render(md.text('a <b> & c'))).toBe('<p>a &lt;b&gt; &amp; c</p>\n');
  });

  it('Actions log: a value never starts a line a runner would read as a command', () => {
    expect(logSafe('ok\n  ::error::x\n##[warning]y')).toBe('ok\n|   ::error::x\n| ##[warning]y');
    expect(logSafe('a\rb')).toBe('a\\rb');
  });
});
