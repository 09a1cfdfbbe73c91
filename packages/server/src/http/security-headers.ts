import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The security headers helmet would set, computed once. `@fastify/helmet` rebuilt helmet's
 * middlewares and re-parsed the CSP directives on every request (5 % of the server's CPU on a
 * simple authenticated GET, docs/benchmarks/oath.md); the values are the same for every response,
 * so helmet runs once here against a recording response and the hook replays what it did.
 */
export function computeSecurityHeaders(options: Readonly<HelmetOptions>): { set: Array<[string, string]>; removed: string[] } {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let error: unknown;
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    error = err;
  });
  if (error) throw error;
  return { set, removed };
}

/** Sets helmet's headers on every response (404s and errors included), from a set computed once at start. */
export function registerSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const { set, removed } = computeSecurityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw;
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    done();
  });
}
