import pino, { type Logger } from 'pino';

/** Keys whose values are secrets wherever they appear (OAuth `code` is not logged: paths only, no query). */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'secretKey',
  'secretText',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'temporaryAccessPass',
  'masterKey',
  'previousMasterKeys',
  'privateKey',
  'seed',
  'deviceCode',
  'userCode',
];

/**
 * Paths never written to a log line: each secret-named key at the top level and up to two levels
 * down (pino's redaction has no recursive wildcard), plus request/response headers.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/** pino JSON logger: request ids on every request line, secrets redacted, query strings dropped. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          // Query strings can carry codes and tokens (OAuth redirects): log the path only.
          path: req.url?.split('?')[0],
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}
