/** One structured line per event. Callers pass only non-secret fields: never a body, PIN, OTP or key. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

export function createLogger(options: { level: 'silent' | 'info'; sink?: LogSink }): Logger {
  const sink: LogSink = options.sink ?? ((line) => process.stdout.write(line + '\n'));
  const write = (level: string, event: string, fields: Record<string, unknown> = {}) => {
    if (options.level === 'silent' && level !== 'error' && !options.sink) return;
    sink(JSON.stringify({ at: new Date().toISOString(), level, event, ...fields }));
  };
  return {
    info: (event, fields) => write('info', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
