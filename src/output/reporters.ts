// The CLI's reporters: text, json and markdown. Each writes its document on the sink's stdout; text writes its
// messages (findings, notes, the saved-plan line) on stderr or beside the plan as it always has, json and
// markdown keep stdout for the document alone. Every format shows the progress line of long reads and applies
// on stderr (off with --quiet, and with --debug, whose lines it would cut), never on stdout.
import type { ApiStats } from '../api/types.js';
import { renderApplyJson, renderPlanJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderApplyText, renderPlanText, renderResultLine } from '../render/text.js';
import { renderFindingsText } from '../render/governance.js';
import { redact } from '../redact.js';
import type { Reporter, RunEvent, Sink } from './events.js';
import { startProgress, type Progress } from './progress.js';
import { plain } from './untrusted.js';

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

  /** Writes `text` with `write` (stdout's or stderr's) where the live line stands; the line is drawn again below. */
  print(write: (text: string) => void, text: string): void {
    this.line.print({ write: (t: string) => (write(t), true) } as unknown as NodeJS.WritableStream, text);
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

/** A try that failed and will be tried again, as a line (stderr in every format). */
export function retryLine(e: Extract<RunEvent, { type: 'retry' }>): string {
  return redact(`${plain(e.change.kind)}/${plain(e.change.name)}: ${plain(e.error)}; trying again in ${(e.waitMs / 1000).toFixed(1)} s (try ${e.attempt} of ${e.of})`) + '\n';
}

/** What every CLI format shares: the progress line, and the messages on stderr. */
abstract class CliReporter implements Reporter {
  private readonly progressLine: ProgressLine;

  constructor(protected readonly o: ReporterOptions) {
    this.progressLine = new ProgressLine(o);
  }

  emit(e: RunEvent): void {
    this.progressLine.handle(e);
    if (e.type === 'cancelled') this.o.sink.err('Apply cancelled: nothing was changed.\n');
    else if (e.type === 'retry') this.progressLine.print(this.o.sink.err, retryLine(e));
    else if (e.type === 'message' || (e.type === 'warning' && this.showsWarnings)) this.o.sink.err(`${plain(e.message.replace(/\n$/, ''))}\n`);
    else this.document(e);
  }

  close(): void {
    this.progressLine.stop();
  }

  /** Writes a line of the document where the progress line stands. */
  protected print(text: string): void {
    this.progressLine.print(this.o.sink.out, text);
  }

  protected abstract readonly showsWarnings: boolean;
  /** The event's part of the document, if any. */
  protected abstract document(e: RunEvent): void;
}

class TextReporter extends CliReporter {
  protected readonly showsWarnings = true;

  protected document(e: RunEvent): void {
    const { sink } = this.o;
    switch (e.type) {
      case 'plan':
        sink.out(renderPlanText(e.plan, { color: !!this.o.color }));
        break;
      case 'findings':
        if (e.findings.length) sink.err(renderFindingsText(e.findings));
        break;
      case 'saved':
        sink.out(`Saved the plan to ${plain(e.file)}; apply it with: qcs-gitops apply --plan ${plain(e.file)}${e.environment ? ` --env ${plain(e.environment)}` : ''}\n`);
        break;
      case 'applying':
        sink.out('\n');
        break;
      case 'change':
        this.print(renderResultLine(e.result) + '\n');
        break;
      case 'applied':
        sink.out(renderApplyText(e.result));
        break;
      case 'nothing-to-apply':
        sink.out('Nothing to apply.\n');
        break;
      default:
    }
  }
}

/** json and markdown: stdout holds the document alone (the plan, or with json an apply's result); findings and
 * the saved file are in the document or the caller's to say, warnings are not for it. */
class DocumentReporter extends CliReporter {
  protected readonly showsWarnings = false;

  constructor(
    o: ReporterOptions,
    private readonly format: 'json' | 'markdown',
  ) {
    super(o);
  }

  protected document(e: RunEvent): void {
    const json = this.format === 'json';
    if (e.type === 'plan' && this.o.command === 'plan') this.o.sink.out(json ? renderPlanJson(e.plan) : renderPlanMarkdown(e.plan));
    else if (e.type === 'applied' && json) this.o.sink.out(renderApplyJson(e.result));
    else if (e.type === 'nothing-to-apply' && json) this.o.sink.out(renderApplyJson(EMPTY_RESULT));
  }
}

const EMPTY_RESULT = { results: [], notConverged: [], verified: true, summary: { created: 0, updated: 0, deleted: 0, failed: 0, skipped: 0 } };

/** The reporter of a --format. */
export function reporterFor(format: string, o: ReporterOptions): Reporter {
  if (format === 'json' || format === 'markdown') return new DocumentReporter(o, format);
  return new TextReporter(o);
}
