import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { clientErrorHandler, errorHandler, frameworkErrors } from './errors.ts';
import type { AppDeps } from './context.ts';
import { ApiError } from '../errors.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { createMetrics } from '../observability/metrics.ts';
import { registerAdminApi } from './admin/index.ts';
import { registerWebApp } from './web.ts';
import { rateLimitHook } from './rate-limit.ts';
import { createRateLimiters } from './rate-limiters.ts';
import { rejectNulCharacters } from './input-guards.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { lazyChildLogger } from './lazy-child-logger.ts';

export interface BuildAppOptions {
  /** Extra route registrations (OIDC provider mount, later modules) run inside the app. */
  extend?: Array<(app: FastifyInstance) => Promise<void> | void>;
  /** Serve the built web console from this directory (omit in API-only tests). */
  webDist?: string | undefined;
}

/**
 * The Fastify app: validation with zod, OpenAPI from the same schemas, one error shape,
 * security headers, body limits, rate limiting, request ids, metrics. Routes are thin: parse,
 * call a domain function, shape the answer.
 */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    childLoggerFactory: lazyChildLogger as never,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
    ajv: { customOptions: { coerceTypes: false } },
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('Request_ResourceNotFound', `No route for ${request.method} ${request.url.split('?')[0]}.`);
    void reply.code(404).send(e.toBody());
  });
  // Graph's correlation headers: `request-id` (ours) and `client-request-id` (the caller's, echoed).
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('request-id', request.id);
    reply.header('x-request-id', request.id);
    const clientRequestId = request.headers['client-request-id'];
    if (typeof clientRequestId === 'string' && /^[\w-]{1,64}$/.test(clientRequestId)) reply.header('client-request-id', clientRequestId);
    return payload;
  });
  // JSON only: text/plain is a CORS "simple" type, so accepting it would let other sites post to the API.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', rejectNulCharacters);

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'form-action': ["'self'"], 'frame-ancestors': ["'none'"] },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    // HSTS only makes sense (and is only honoured) over https.
    strictTransportSecurity: config.publicUrl.protocol === 'https:' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  // Every limit of the node (API per IP here, sign-in per IP and per account in http/signin) holds across the cluster on PostgreSQL (ADR 0015).
  const limiters = createRateLimiters({ store: deps.store, scope: config.rateLimitScope, syncIntervalMs: config.rateLimitSyncMs, nodeCountHint: config.nodeCountHint, logger: deps.logger });
  app.decorate('rateLimiters', limiters);
  app.addHook('onClose', () => limiters.close());
  if (config.rateLimitPerMinute > 0) {
    const perClient = limiters.create('api.ip', { limit: config.rateLimitPerMinute, windowMs: 60_000 });
    const unlimited = new Set(['/healthz', '/readyz', '/metrics']);
    app.addHook('onRequest', rateLimitHook(perClient, (req) => (unlimited.has(req.url.split('?')[0]!) ? null : `ip:${req.ip}`)));
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Latchkey API', version: '1.0.0', description: 'Graph-shaped admin API of Latchkey. Errors are {"error":{"code","message"}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const metrics = createMetrics();
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  registerOpsRoutes(app, deps, metrics);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(async (api) => registerAdminApi(api, deps), { prefix: '/api/v1' });
  for (const extend of options.extend ?? []) await extend(app);
  if (options.webDist) await registerWebApp(app, options.webDist);
  return app;
}
