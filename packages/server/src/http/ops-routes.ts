import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from './context.ts';
import type { Metrics } from '../observability/metrics.ts';
import { pendingMigrations } from '../store/migrate.ts';

/** Liveness, readiness and metrics: unauthenticated, unversioned, hidden from the OpenAPI document. */
export function registerOpsRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'store'>, metrics: Metrics): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      const pending = await pendingMigrations(deps.store.db);
      if (pending.length) return reply.code(503).send({ status: 'migrations pending', database: deps.store.kind, pending });
      return { status: 'ready', database: deps.store.kind };
    } catch {
      return reply.code(503).send({ status: 'database unreachable', database: deps.store.kind });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
