import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { systemContext } from '../../auth/principal.ts';
import { updateMethodConfiguration } from '../../policy/authentication-methods/update.ts';
import { ODATA_TYPE } from '../../policy/authentication-methods/types.ts';
import { issueTemporaryAccessPass } from './issue.ts';

/** What `latchkey serve` prints on a passwordless first start (ADR 0009). */
export interface FirstStartOnboarding {
  userPrincipalName: string;
  /** A one-time TAP: shown here once, stored hashed. */
  temporaryAccessPass: string;
  startDateTime: string;
  endDateTime: string;
}

/**
 * On an empty data dir (the first administrator was just created), turns on Fido2 (passkeys,
 * attestation not enforced so any passkey can be the first) and TemporaryAccessPass for all
 * users, audited as the system — Entra ships both disabled, Latchkey is passkey-first (ADR 0009).
 */
export async function enableOnboardingMethods(db: Kysely<DB>): Promise<void> {
  const ctx = systemContext('first-start');
  await updateMethodConfiguration(db, ctx, 'Fido2', {
    '@odata.type': ODATA_TYPE.Fido2,
    state: 'enabled',
    isAttestationEnforced: false,
    isSelfServiceRegistrationAllowed: true,
  });
  await updateMethodConfiguration(db, ctx, 'TemporaryAccessPass', { '@odata.type': ODATA_TYPE.TemporaryAccessPass, state: 'enabled' });
}

/** True while nobody has a passkey yet: the server still needs its first administrator onboarded. */
export async function nobodyHasAPasskey(db: Kysely<DB>): Promise<boolean> {
  return !(await db.selectFrom('passkey_credentials').select('id').limit(1).executeTakeFirst());
}

/**
 * First start becomes passwordless (issue 4 item 9): when the first Global Administrator was
 * just created, enables the onboarding methods; then, while nobody has a passkey, issues the
 * administrator a fresh one-time TAP (replacing an older one, audited) for `latchkey serve` to
 * print with the URL where they sign in with it and register a passkey. Returns undefined once
 * someone has a passkey (from then on administrators issue TAPs through the API and console).
 */
export async function passwordlessFirstStart(
  db: Kysely<DB>,
  admin: { created: boolean; userId: string; userPrincipalName: string },
): Promise<FirstStartOnboarding | undefined> {
  if (admin.created) await enableOnboardingMethods(db);
  if (!(await nobodyHasAPasskey(db))) return undefined;
  const tap = await issueTemporaryAccessPass(db, systemContext('first-start'), admin.userId, { isUsableOnce: true });
  const start = new Date(tap.startDateTime);
  return {
    userPrincipalName: admin.userPrincipalName,
    temporaryAccessPass: tap.temporaryAccessPass!,
    startDateTime: tap.startDateTime,
    endDateTime: new Date(start.getTime() + tap.lifetimeInMinutes * 60_000).toISOString(),
  };
}
