// The progress line of long runs, on stderr and only on a TTY (cli-progress
// draws it and clears it when done): distinct states, the BFS level, states
// per second, and the memory the search's tables take against --max-memory.
// stdout carries only the result, so piped or --format json output stays
// parseable; --quiet turns the line off.

import cliProgress from 'cli-progress';

export interface SearchSnapshot {
  readonly states: number;
  readonly level: number;
  readonly seconds: number;
  readonly bytes: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const mib = (b: number) => int(b / 2 ** 20);

/** The progress line of one search, as text. */
export function progressText(p: SearchSnapshot, maxMemoryBytes?: number, prefix = ''): string {
  const mem = maxMemoryBytes !== undefined ? `${mib(p.bytes)} of ${mib(maxMemoryBytes)} MiB` : `${mib(p.bytes)} MiB`;
  return `  ${prefix}${int(p.states)} states · level ${p.level} · ${rate(p.seconds > 0 ? p.states / p.seconds : 0)} states/s · ${mem}`;
}

/** Should a progress line be drawn: stderr is a terminal and --quiet was not given. */
export const progressWanted = (quiet: boolean | undefined): boolean => quiet !== true && process.stderr.isTTY === true;

/**
 * One line on stderr, redrawn at most a few times a second. `total` > 0 draws
 * a bar over that many searches (compare, report); 0 is a single search.
 * Nothing is drawn before `delayMs`, so short runs do not flash a line.
 */
export class ProgressLine {
  private bar: cliProgress.SingleBar | undefined;
  private text = '';
  private value = 0;
  private readonly t0 = Date.now();

  constructor(private total = 0, private readonly delayMs = 300) {}

  /** Draw a bar over `total` searches (0: a single search, no bar). */
  setTotal(total: number): void {
    this.total = total;
    this.bar?.setTotal(Math.max(1, total));
  }

  /** Set the line's text (and, for a bar, how many searches are done). */
  update(text: string, value = this.value): void {
    this.text = text;
    this.value = value;
    if (this.bar === undefined) {
      if (Date.now() - this.t0 < this.delayMs) return;
      this.bar = new cliProgress.SingleBar({
        stream: process.stderr,
        format: (_opts, params) => (this.total > 0 ? `  [${barOf(params.value, this.total)}] ${params.value}/${this.total} ${this.text.trimStart()}` : this.text),
        hideCursor: true,
        clearOnComplete: true,
        linewrap: false,
        fps: 5,
      });
      this.bar.start(Math.max(1, this.total), value);
    }
    this.bar.update(value);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

function barOf(value: number, total: number, width = 20): string {
  const full = Math.round((Math.min(value, total) / Math.max(1, total)) * width);
  return '='.repeat(full) + '-'.repeat(width - full);
}
