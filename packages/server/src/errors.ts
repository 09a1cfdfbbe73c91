/**
 * Typed API errors: an HTTP status, a stable machine code from a closed set, and a message that is
 * safe to show. Internals go in `cause` and are logged, never sent. Codes follow Microsoft Graph's
 * directory codes where Graph has one (`entra-spec.md` §8.4) so clients can branch on the same codes.
 */
export type ErrorCode =
  | 'Request_BadRequest'
  | 'Request_ResourceNotFound'
  | 'Request_UnsupportedQuery'
  | 'Request_Conflict'
  | 'Request_EntityTooLarge'
  | 'Request_ThrottledTemporarily'
  | 'Authorization_RequestDenied'
  | 'InvalidAuthenticationToken'
  | 'MethodNotAllowed'
  | 'ServiceUnavailable'
  | 'InternalServerError';

const STATUS: Record<ErrorCode, number> = {
  Request_BadRequest: 400,
  Request_UnsupportedQuery: 400,
  Request_ResourceNotFound: 404,
  Request_Conflict: 409,
  Request_EntityTooLarge: 413,
  Request_ThrottledTemporarily: 429,
  Authorization_RequestDenied: 403,
  InvalidAuthenticationToken: 401,
  MethodNotAllowed: 405,
  ServiceUnavailable: 503,
  InternalServerError: 500,
};

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status ?? STATUS[code];
    this.details = options?.details;
  }

  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Throws an ApiError with `code` unless `cond` holds. Keeps guard clauses to one line. */
export function assertThat(cond: unknown, code: ErrorCode, message: string): asserts cond {
  if (!cond) throw new ApiError(code, message);
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError('Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`, { details: { resource: what } });

export const badRequest = (message: string, details?: unknown): ApiError => new ApiError('Request_BadRequest', message, { details });
export const conflict = (message: string): ApiError => new ApiError('Request_Conflict', message);
export const forbidden = (message: string): ApiError => new ApiError('Authorization_RequestDenied', message);
