import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Client-side routes of the single-page console; each serves index.html. */
const SPA_PREFIXES = ['/admin', '/my', '/signin'];

/** Serves the built React console (packages/web/dist). */
export async function registerWebApp(app: FastifyInstance, dist: string): Promise<void> {
  if (!existsSync(join(dist, 'index.html'))) {
    app.log.warn({ dist }, 'web console is not built; run `npm run build`');
    return;
  }
  await app.register(fastifyStatic, { root: dist, prefix: '/', index: false, wildcard: false, decorateReply: true });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/admin'));
  for (const prefix of SPA_PREFIXES) {
    const serve = async (_req: unknown, reply: { sendFile: (f: string) => unknown; header: (k: string, v: string) => unknown }) => {
      reply.header('cache-control', 'no-store');
      return reply.sendFile('index.html');
    };
    app.get(prefix, { schema: { hide: true } }, serve as never);
    app.get(`${prefix}/*`, { schema: { hide: true } }, serve as never);
  }
  app.get('/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.sendFile(`assets/${path}`);
  });
}
