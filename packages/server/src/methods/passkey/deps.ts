import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RelyingParty } from './relying-party.ts';

/** What the passkey ceremonies need: the database and the relying party they act for. */
export interface PasskeyDeps {
  db: Kysely<DB>;
  rp: RelyingParty;
}
