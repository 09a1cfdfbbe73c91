import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Fastify's `childLoggerFactory`, made lazy: Fastify gives every request a child logger bound to
 * its request id, and pino builds each child eagerly — with our redaction paths that was 3–4 % of
 * the server's CPU per request, for requests that mostly never log at the configured level. The
 * child here is created on the first call that would actually write (or on any other use of the
 * logger), so a quiet request costs nothing and a logged line is exactly what pino's child writes.
 */
export function lazyChildLogger(logger: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= logger.child(bindings, options));
  // A route's own logLevel (options.level) decides instead of the parent's.
  const enabled = (level: string): boolean =>
    options?.level ? (child ?? real()).isLevelEnabled(level) : logger.isLevelEnabled(level);
  const lazy = {
    child: (b: Bindings, o?: ChildLoggerOptions) => real().child(b, o),
    silent: () => {},
    isLevelEnabled: (level: string) => enabled(level),
    get level() {
      return options?.level ?? real().level;
    },
    set level(value: string) {
      real().level = value;
    },
  } as Record<string, unknown>;
  for (const level of LEVELS) lazy[level] = (...args: unknown[]) => (enabled(level) ? (real()[level] as (...a: unknown[]) => void)(...args) : undefined);
  return lazy as unknown as Logger;
}
