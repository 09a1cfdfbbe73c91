import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RelyingParty } from '../methods/passkey/relying-party.ts';
import type { Envelope } from '../secrets/envelope.ts';

/** What the sign-in domain needs: the database, the WebAuthn RP, and a key for stable fake data. */
export interface SignInDeps {
  db: Kysely<DB>;
  rp: RelyingParty;
  /** HMAC key for enumeration-safe fake credential ids (derived from the master key). */
  fakeCredentialKey: Buffer;
  /** Opens OATH seeds for the second-factor step (oath-step.ts); absent: OATH is not offered. */
  envelope?: Envelope;
  /** Clock (tests); default `() => new Date()`. */
  now?: () => Date;
}

/** How long a sign-in flow lives: 10 minutes (the interaction itself lives an hour). */
export const FLOW_TTL_MS = 10 * 60_000;

export const nowOf = (deps: SignInDeps): Date => deps.now?.() ?? new Date();
