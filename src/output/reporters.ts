// The CLI's reporters: text, json and markdown. Each writes its document on the sink's stdout; text writes its
// messages (findings, notes, the saved-plan line) on stderr or beside the plan as it always has, json and
// markdown keep stdout for the document alone. Every format shows the progress line of long reads and applies
// on stderr (off with --quiet, and with --debug, whose lines it would cut), never on stdout.
import type { ApiStats } from '../api/types.js';
import { renderApplyJson, renderPlanJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderApplyText, renderPlanText, renderResultLine } from '../render/text.js';
import { renderFindingsText } from '../render/governance.js';
import type { Reporter, RunEvent, Sink } from './events.js';
import { startProgress, type Progress } from './progress.js';

export interface ReporterOptions {
  sink: Sink;
  /** Colour in text plans. */
  color?: boolean;
  /** Show the progress line (on stderr; it draws itself only where it should: a live line on a terminal, a plain
   * line every few seconds in a log). */
  progress?: boolean;
  /** The command: a plan's document is the plan; an apply's document (json) is its result. */
  command: 'plan' | 'apply';
}

const NO_PROGRESS: Progress = { update() {}, print: (out, text) => void out.write(text), stop() {} };

/** The progress line, driven by the events (shared by every format). */
class ProgressLine {
  private line: Progress = NO_PROGRESS;
  private objectsRead = 0;

  constructor(private readonly o: ReporterOptions) {}

  handle(e: RunEvent): void {
    switch (e.type) {
      case 'reading':
        this.start(e.phase, {}, e.stats);
        break;
      case 'read':
        this.line.update({ kindsRead: e.progress.kindsDone, kindsTotal: e.progress.kindsTotal, objectsRead: (this.objectsRead += e.progress.objects) });
        break;
      case 'applying':
        this.start('apply', { changesDone: 0, changesTotal: e.total }, e.stats);
        break;
      case 'change':
        this.line.update({ changesDone: e.done, failed: e.failed, phase: e.done === e.total ? 'apply: verifying' : 'apply' });
        break;
      case 'read-done':
      case 'applied':
        this.stop();
        break;
      default:
    }
  }

  /** Writes a line of the document where the live line stands (it is drawn again below). */
  print(sink: Sink, text: string): void {
    this.line.print({ write: (t: string) => (sink.out(t), true) } as unknown as NodeJS.WritableStream, text);
  }

  stop(): void {
    this.line.stop();
    this.line = NO_PROGRESS;
  }

  private start(phase: string, s: Parameters<Progress['update']>[0], stats: (() => ApiStats) | undefined): void {
    this.stop();
    this.objectsRead = 0;
    this.line = this.o.progress ? startProgress(true, { phase, ...s }, { stats }) : NO_PROGRESS;
  }
}

class TextReporter implements Reporter {
  private readonly progress: ProgressLine;

  constructor(private readonly o: ReporterOptions) {
    this.progress = new ProgressLine(o);
  }

  emit(e: RunEvent): void {
    this.progress.handle(e);
    const { sink } = this.o;
    switch (e.type) {
      case 'plan':
        sink.out(renderPlanText(e.plan, { color: !!this.o.color }));
        break;
      case 'findings':
        if (e.findings.length) sink.err(renderFindingsText(e.findings));
        break;
      case 'saved':
        sink.out(`Saved the plan to ${e.file}; apply it with: qcs-gitops apply --plan ${e.file}${e.environment ? ` --env ${e.environment}` : ''}\n`);
        break;
      case 'applying':
        sink.out('\n');
        break;
      case 'change':
        this.progress.print(sink, renderResultLine(e.result) + '\n');
        break;
      case 'applied':
        sink.out(renderApplyText(e.result));
        break;
      case 'nothing-to-apply':
        sink.out('Nothing to apply.\n');
        break;
      case 'cancelled':
        sink.err('Apply cancelled: nothing was changed.\n');
        break;
      case 'warning':
      case 'message':
        sink.err(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
        break;
      default:
    }
  }

  close(): void {
    this.progress.stop();
  }
}

/** json and markdown: stdout holds the document alone (the plan, or with json an apply's result). */
class DocumentReporter implements Reporter {
  private readonly progress: ProgressLine;

  constructor(
    private readonly o: ReporterOptions,
    private readonly format: 'json' | 'markdown',
  ) {
    this.progress = new ProgressLine(o);
  }

  emit(e: RunEvent): void {
    this.progress.handle(e);
    const { sink } = this.o;
    switch (e.type) {
      case 'plan':
        // an apply's json document is its result, not its plan
        if (this.o.command === 'plan') sink.out(this.format === 'json' ? renderPlanJson(e.plan) : renderPlanMarkdown(e.plan));
        break;
      case 'applied':
        if (this.format === 'json') sink.out(renderApplyJson(e.result));
        break;
      case 'nothing-to-apply':
        if (this.format === 'json') sink.out(renderApplyJson({ results: [], notConverged: [], verified: true, summary: { created: 0, updated: 0, deleted: 0, failed: 0, skipped: 0 } }));
        break;
      case 'cancelled':
        sink.err('Apply cancelled: nothing was changed.\n');
        break;
      case 'message':
        sink.err(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
        break;
      default:
      // findings, the saved line and warnings are in the document or not for stdout
    }
  }

  close(): void {
    this.progress.stop();
  }
}

/** The reporter of a --format. */
export function reporterFor(format: string, o: ReporterOptions): Reporter {
  if (format === 'json' || format === 'markdown') return new DocumentReporter(o, format);
  return new TextReporter(o);
}
