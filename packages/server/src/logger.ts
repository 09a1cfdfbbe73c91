import pino, { type Logger } from 'pino';

/** Paths never written to a log line, wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.secretKey',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.temporaryAccessPass',
  '*.masterKey',
  '*.privateKey',
  '*.code',
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
