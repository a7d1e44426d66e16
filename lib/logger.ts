import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold secrets; pino replaces them before anything is written. */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'databaseUrl',
  'redisUrl',
];

/** JSON lines to stdout for the server roles; `toStderr` keeps stdout clean for commands that print results. */
export function createLogger(level: string, options: { toStderr?: boolean } = {}): Logger {
  return pino(
    { name: 'power-realms', level, redact: { paths: REDACT, censor: '[redacted]' } },
    pino.destination(options.toStderr ? 2 : 1),
  );
}

/** Hides the password in a connection URL before it is printed. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparsable url]';
  }
}
