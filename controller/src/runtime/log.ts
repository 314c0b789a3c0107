/**
 * Structured logs: one JSON object per line on stdout, `{"ts","level","msg",...fields}`.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.prototype.hasOwnProperty.call(RANK, value);
}

export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go (default: stdout). */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** Turns an Error (or anything thrown) into loggable fields. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; reason?: unknown };
    return {
      error: e.message,
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
    };
  }
  return { error: String(err) };
}

function serialize(value: unknown): unknown {
  return value instanceof Error ? errorFields(value) : value;
}

export function jsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const record: LogFields = { ts: new Date(now()).toISOString(), level, msg };
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      if (v !== undefined && !(k in record)) record[k] = serialize(v);
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ ts: record.ts, level, msg, fields: 'unserializable' });
    }
    write(line);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => jsonLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests). */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};
