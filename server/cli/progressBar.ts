import { SingleBar } from 'cli-progress';

/** A long task's progress: `update(done)` as it goes, `stop()` when it ends. */
export interface ProgressBar {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (stdout keeps the command's results): redrawn in place on a terminal,
 * one line every 5 seconds when stderr is a file or a pipe (a log, CI).
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const bar = new SingleBar({
    stream,
    format: `${label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
    barsize: 30,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? value.toLocaleString('en') : String(value)),
  });
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
