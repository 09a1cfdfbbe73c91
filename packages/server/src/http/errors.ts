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
  else request.log.info({ code: apiError.code, status: apiError.status }, apiError.message);
  if (reply.sent) return;
  if (apiError.code === 'Request_ThrottledTemporarily' && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
  void reply.code(apiError.status).type('application/json').send(apiError.toBody());
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError & { validation?: unknown };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = (e.validation as Array<{ instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } }>).map((v) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }));
    const first = issues[0];
    return new ApiError('Request_BadRequest', `Invalid ${e.validationContext ?? 'request'}: ${first ? `${first.path} ${first.message}` : 'does not match the schema'}`, {
      details: issues.slice(0, 20),
    });
  }
  if (isResponseSerializationError(e)) return new ApiError('InternalServerError', 'The server produced an invalid response.', { cause: e });
  if (e.validation) return new ApiError('Request_BadRequest', e.message);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('Request_EntityTooLarge', 'The request body is too large.');
  if (status === 429) return new ApiError('Request_ThrottledTemporarily', 'Too many requests; retry later.');
  if (status === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError('Request_BadRequest', 'Unsupported content type; send application/json.', { status: 415 });
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
