import { ApiError } from '../errors.ts';

/** Default and largest page sizes of the directoryAudits list (Graph's own cap is 999). */
export const DEFAULT_TOP = 100;
export const MAX_TOP = 999;

/**
 * Keyset position as an opaque `$skiptoken`: `a.<seq>` in base64url, meaning "entries older than
 * sequence number <seq>". Clients never build it: they follow `@odata.nextLink` (entra-spec §8.2).
 */
export function encodeSkipToken(beforeSeq: number): string {
  return Buffer.from(`a.${beforeSeq}`).toString('base64url');
}

/** Inverse of `encodeSkipToken`; a 400 for anything it did not produce. */
export function decodeSkipToken(token: string): number {
  const m = /^a\.(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new ApiError('Request_BadRequest', 'Invalid $skiptoken: use the @odata.nextLink as given.');
  return Number(m[1]);
}
