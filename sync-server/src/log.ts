import type { LogLevel } from './config.ts';
import { currentRequestId } from './http/request-context.ts';

const ORDER: Record<LogLevel, number> = { silent: 0, error: 1, info: 2, debug: 3 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Structured logs: one JSON object per line on stdout. Never pass secrets (passwords, tokens,
 * Authorization headers) as fields.
 */
export function makeLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] > ORDER[level]) return;
    // Lines written while a request is answered name it (http/request-context.ts).
    const requestId = currentRequestId();
    const line = { time: new Date().toISOString(), level: lvl, msg, ...(requestId ? { requestId } : {}), ...fields };
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    error: (m, f) => emit('error', m, f),
    info: (m, f) => emit('info', m, f),
    debug: (m, f) => emit('debug', m, f),
  };
}
