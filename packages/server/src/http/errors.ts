import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ApiError } from '../errors.ts';

/**
 * One error handler for the whole service: every failure leaves as `{"error":{"code","message"}}`.
 * Validation and client mistakes are 4xx; anything unexpected is a 500 whose internals are logged
 * with the request id and never sent.
 */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(err);
  if (apiError.status >= 500) request.log.error({ err }, 'request failed');
  else if (apiError.cause) request.log.warn({ code: apiError.code, status: apiError.status, err: apiError.cause }, apiError.message);
  else request.log.info({ code: apiError.code, status: apiError.status }, apiError.message);
  if (reply.sent) return;
  if (apiError.code === 'Request_ThrottledTemporarily' && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
  if (apiError.code === 'ServiceUnavailable' && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  void reply.code(apiError.status).type('application/json').send(apiError.toBody());
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError & { validation?: unknown };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = (e.validation as Array<{ instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } }>).map(
      (v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }),
    );
    const first = issues[0];
    return new ApiError(
      'Request_BadRequest',
      `Invalid ${e.validationContext ?? 'request'}: ${first ? `${first.path} ${first.message}` : 'does not match the schema'}`,
      {
        details: issues.slice(0, 20),
      },
    );
  }
  if (isResponseSerializationError(e)) return new ApiError('InternalServerError', 'The server produced an invalid response.', { cause: e });
  if (e.validation) return new ApiError('Request_BadRequest', e.message);
  const db = fromDatabaseError(err);
  if (db) return db;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new ApiError('Request_EntityTooLarge', 'The request body is too large.');
  if (status === 429) return new ApiError('Request_ThrottledTemporarily', 'Too many requests; retry later.');
  if (status === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new ApiError('Request_BadRequest', 'Unsupported content type; send application/json.', { status: 415 });
  if (status === 405) return new ApiError('MethodNotAllowed', e.message);
  if (status === 404) return new ApiError('Request_ResourceNotFound', e.message);
  if (status >= 400 && status < 500) return new ApiError('Request_BadRequest', safeClientMessage(e), { status });
  return new ApiError('InternalServerError', 'An internal error occurred. The request id is in the logs.', { cause: err });
}

function safeClientMessage(e: FastifyError): string {
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) return 'The request body is not valid JSON.';
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty but the content type is JSON.';
  return e.message.slice(0, 300);
}

/**
 * Safety net for input a route's schema let through but the database refused (PostgreSQL SQLSTATE,
 * same on PGlite): data exceptions (class 22: bad uuid/number/encoding, value too long) and
 * integrity violations are the client's input, so they are 4xx, never a 500. Serialisation
 * failures and timeouts are 503 with Retry-After. Logged at warn with the cause: each one is a
 * validation a route should have done itself.
 */
export function fromDatabaseError(err: unknown): ApiError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const opts = { cause: err };
  if (code.startsWith('22')) return new ApiError('Request_BadRequest', 'A value in the request is not valid for its field.', opts);
  if (code === '23505') return new ApiError('Request_Conflict', 'Another object already uses a value that must be unique.', opts);
  if (code === '23503') return new ApiError('Request_BadRequest', 'The request refers to an object that does not exist.', opts);
  if (code === '23502' || code === '23514') return new ApiError('Request_BadRequest', 'A required value is missing or not allowed.', opts);
  if (code === '40001' || code === '40P01' || code === '55P03' || code === '57014')
    return new ApiError('ServiceUnavailable', 'The service is busy; retry shortly.', opts);
  return undefined;
}

/**
 * Fastify's `frameworkErrors`: URLs the router cannot take (bad percent-encoding, a path
 * parameter longer than `maxParamLength`) leave in the same error shape as everything else.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError('Request_BadRequest', 'A path segment is too long.', { status: 414 })
      : new ApiError(
          'Request_BadRequest',
          err.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid (bad percent-encoding).' : 'The request could not be routed.',
        );
  request.log.info({ code: apiError.code, status: apiError.status }, apiError.message);
  void reply.code(apiError.status).type('application/json').send(apiError.toBody());
}

/**
 * Node's `clientError` (before any request object exists: oversized headers or URL, a malformed
 * request line, a timeout) answered in the error shape; the socket is closed as Node does.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, e] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          new ApiError('Request_BadRequest', 'The request line or headers are too large.', { status: 431 }),
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', new ApiError('Request_BadRequest', 'The request took too long to arrive.', { status: 408 })]
        : [400, 'Bad Request', new ApiError('Request_BadRequest', 'The request is not valid HTTP.')];
  const body = JSON.stringify(e.toBody());
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
