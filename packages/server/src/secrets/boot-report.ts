import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../store/schema.ts';
import type { Envelope } from './envelope.ts';
import { sealedSecretsStatus } from './rewrap.ts';

/**
 * At boot, tells the operator where a master key rotation stands (ADR 0020): secrets under a key
 * this node does not have (an error: they cannot be opened), secrets still under a previous key
 * (run `latchkey secrets rewrap`), or previous keys nothing needs any more. Counts only.
 */
export async function reportSealedSecrets(db: Kysely<DB>, envelope: Envelope, logger: Pick<Logger, 'error' | 'warn' | 'info'>): Promise<void> {
  const s = await sealedSecretsStatus(db, envelope);
  if (s.underUnknown) {
    logger.error(
      { masterKeyIds: s.unknownKeyIds, secrets: s.underUnknown },
      'secrets are sealed with a master key that is not configured: set it in LATCHKEY_PREVIOUS_MASTER_KEYS (or as LATCHKEY_MASTER_KEY)',
    );
  }
  if (s.underPrevious) logger.warn({ secrets: s.underPrevious }, 'secrets are still sealed with a previous master key: run `latchkey secrets rewrap`');
  else if (s.previousKeyIds.length && !s.underUnknown) logger.info('no secret is sealed with a previous master key any more: LATCHKEY_PREVIOUS_MASTER_KEYS can be removed');
}
