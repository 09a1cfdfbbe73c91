import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../../auth/principal.ts';
import type { UserMethodPolicy } from '../../policy/authentication-methods/methodsEnabledFor.ts';
import { recordAudit } from '../../audit/record.ts';
import type { PasskeyDeps } from './deps.ts';
import { PasskeyError, ensure } from './errors.ts';
import { decideAuthentication } from './attestation-policy.ts';
import { checkConsumed } from './challenges.ts';
import { recordUse, type CredentialUse, type PasskeyCredential } from './credentials-repository.ts';
import { consumeForAssertion } from './assertion-lookup.ts';
import { installKeyCache } from './key-cache.ts';
import type { SignInSubject } from '../../policy/conditional-access/subject-repository.ts';
import { passkeyPolicyAtVersion } from './policy-for-user.ts';
import { PASSKEY_LIMITS } from './relying-party.ts';
import {
  checkClientData,
  checkEcdsaSignatureEncoding,
  checkOrigin,
  checkRpIdHash,
  coseKeyType,
  decodeField,
  userIdOfHandle,
} from './response-checks.ts';

export interface VerifyAuthenticationInput {
  response: AuthenticationResponseJSON;
  flowId?: string | null;
  /** The policy the caller already evaluated for the identified user this request; used only if it is the credential's user. */
  policy?: UserMethodPolicy;
  /**
   * Leave the counter update to the caller (`pendingUse`), which writes it with its own writes
   * (signin/passkey-completion.ts) or through `storeUse`. A counter already behind the stored one
   * is refused here either way.
   */
  deferUse?: boolean;
}

/** Facts of a verified assertion, for the sign-in flow (session methods, amr, sign-in log). */
export interface VerifiedAuthentication {
  userId: string;
  /** The account's name and state as read with the credential (the sign-in flow need not read them again). */
  userPrincipalName: string;
  /** Graph fido2AuthenticationMethod id. */
  methodId: string;
  credentialId: string;
  aaguid: string;
  userVerified: boolean;
  /** Synced (backup eligible) or device-bound (WebAuthn L3 §6.1.3). */
  passkeyType: 'synced' | 'deviceBound';
  backedUp: boolean;
  signCount: number;
  profileId: string;
  /**
   * RFC 8176 `amr` values this sign-in proves: `hwk` (device-bound: hardware-secured key) or
   * `swk` (synced: software-secured key), `user` (user verification was performed), and `mfa`
   * (possession plus verification). The sign-in flow may add to them.
   */
  amr: string[];
  /** Conditional Access's view of the user (groups, roles, per-user MFA), read with the credential. */
  subject: SignInSubject;
  /** With `deferUse`: the use the caller must store (`storeUse`); otherwise undefined (stored). */
  pendingUse: PendingUse | undefined;
}

/**
 * Step 2 of authentication (WebAuthn L3 §7.2). In order: stateless checks; atomic consumption of
 * the challenge (so of two parallel submissions exactly one proceeds); the credential, bound to
 * the challenge's user (username-first) or the user handle (discoverable); the assertion
 * verified by @simplewebauthn/server; then the account and the passkey policy at sign-in
 * (method enabled, passkey type, key restrictions — entra-spec §4.3); the signature counter (§7.2 step 22): a regression on a
 * counting authenticator refuses the sign-in and writes "Possible cloned authenticator" to the
 * audit trail; else the counter, backup state and last use are stored.
 */
export async function verifyAuthentication(
  deps: PasskeyDeps,
  ctx: RequestContext,
  input: VerifyAuthenticationInput,
): Promise<VerifiedAuthentication> {
  const cacheReady = installKeyCache();
  const { response } = input;
  ensure(
    response && typeof response === 'object' && response.response && typeof response.response === 'object',
    'malformedResponse',
    'The authentication response is not a PublicKeyCredential JSON object.',
  );
  ensure(
    typeof response.id === 'string' && response.id === response.rawId && response.id.length <= 1366,
    'malformedResponse',
    'The credential id is missing, too long, or differs from rawId.',
  );
  const clientData = checkClientData(response.response.clientDataJSON, 'webauthn.get');
  const authData = decodeField('authenticatorData', response.response.authenticatorData, PASSKEY_LIMITS.maxAuthenticatorDataBytes);
  const signature = decodeField('signature', response.response.signature, PASSKEY_LIMITS.maxSignatureBytes);
  // Absent (undefined/null) is allowed for username-first; anything present must name the credential's user.
  const userHandle = response.response.userHandle == null ? undefined : decodeField('userHandle', response.response.userHandle, 64);
  checkOrigin(clientData, deps.rp);
  checkRpIdHash(authData, deps.rp);

  // One round trip: the challenge consumed, the credential, its user and groups, the policy version.
  const found = await consumeForAssertion(deps.db, clientData.challenge, response.id);
  const challenge = checkConsumed(found.challenge, {
    purpose: 'authentication',
    ...(input.flowId !== undefined ? { flowId: input.flowId } : {}),
  });
  const credential = found.credential;
  if (!credential) throw new PasskeyError('unknownCredential', 'This passkey is not registered here (it may have been deleted).');
  // Username-first: the credential must be one the options allowed (§7.2 step 5).
  if (challenge.userId) ensure(credential.userId === challenge.userId, 'credentialNotAllowed', 'This passkey belongs to another account.');
  // Discoverable: the user handle identifies the account and must match the credential's (§7.2 step 6).
  if (!challenge.userId || userHandle)
    ensure(
      userHandle && userIdOfHandle(userHandle) === credential.userId,
      'userHandleMismatch',
      "The passkey's user handle does not match its account.",
    );

  if (coseKeyType(credential.publicKey) === 2) checkEcdsaSignatureEncoding(signature);

  await cacheReady;
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: [...deps.rp.origins],
      expectedRPID: deps.rp.id,
      requireUserVerification: true,
      // Counter 0 here: the library then checks only the signature; the counter rule is applied
      // below against the stored value, so a regression can be told apart and audited.
      credential: { id: credential.credentialId, publicKey: credential.publicKey as Uint8Array<ArrayBuffer>, counter: 0 },
    });
  } catch (cause) {
    throw new PasskeyError('verificationFailed', 'The passkey signature could not be verified.', { cause });
  }
  ensure(verified.verified, 'verificationFailed', 'The passkey signature does not verify.');
  const info = verified.authenticationInfo;

  // Account and policy only after the signature: an unauthenticated caller learns nothing about them.
  const user = found.user;
  ensure(user?.accountEnabled, 'accountDisabled', 'This account is disabled.');
  const policy = await passkeyPolicyAtVersion(
    deps.db,
    { id: credential.userId, groupIds: found.groupIds },
    found.policyVersion,
    input.policy,
  );
  const decision = decideAuthentication(policy.config, policy.profiles, {
    aaguid: credential.aaguid,
    backupEligible: credential.backupEligible,
  });
  if (!decision.allowed)
    throw new PasskeyError(decision.reason, decision.message, { details: { aaguid: credential.aaguid, profiles: decision.profiles } });

  const counting = info.newCounter > 0 || credential.signCount > 0;
  const forward = counting ? info.newCounter > credential.signCount : true;
  if (!forward) await refuseClone(deps, ctx, credential, info.newCounter);
  const use = { id: credential.id, newSignCount: info.newCounter, backedUp: info.credentialBackedUp, at: new Date() };
  const verifiedAuthentication: VerifiedAuthentication = {
    userId: credential.userId,
    userPrincipalName: user.userPrincipalName,
    methodId: credential.id,
    credentialId: credential.credentialId,
    aaguid: credential.aaguid,
    userVerified: info.userVerified,
    passkeyType: credential.backupEligible ? 'synced' : 'deviceBound',
    backedUp: info.credentialBackedUp,
    signCount: info.newCounter,
    profileId: decision.profileId,
    amr: [credential.backupEligible ? 'swk' : 'hwk', ...(info.userVerified ? ['user', 'mfa'] : [])],
    subject: found.subject,
    pendingUse: input.deferUse ? { use, credential } : undefined,
  };
  if (!input.deferUse) await storeUse(deps, ctx, { use, credential });
  return verifiedAuthentication;
}

/** The counter, backup state and last use of a verified assertion, stored later by its caller (`VerifyAuthenticationInput.deferUse`). */
export interface PendingUse {
  use: CredentialUse;
  credential: PasskeyCredential;
}

/** Stores a verified assertion's use, or refuses a counter that did not move forward (a concurrent use got there first): `refuseClone`. */
export async function storeUse(deps: PasskeyDeps, ctx: RequestContext, p: PendingUse): Promise<void> {
  if (!(await recordUse(deps.db, p.use.id, p.use))) await refuseClone(deps, ctx, p.credential, p.use.newSignCount);
}

/** WebAuthn L3 §6.1.1: a counter that does not move forward signals a possible cloned authenticator. */
export async function refuseClone(deps: PasskeyDeps, ctx: RequestContext, credential: PasskeyCredential, received: number): Promise<never> {
  await deps.db.transaction().execute((trx) =>
    recordAudit(trx, ctx, {
      category: 'UserManagement',
      activity: 'Possible cloned authenticator',
      operationType: 'Other',
      result: 'failure',
      resultReason: 'signCountRegression',
      targets: [
        { id: credential.userId, type: 'User' },
        { id: credential.id, displayName: credential.displayName, type: 'Other' },
      ],
      details: {
        method: 'Fido2',
        credentialId: credential.credentialId,
        aaguid: credential.aaguid,
        storedSignCount: String(credential.signCount),
        receivedSignCount: String(received),
      },
    }),
  );
  throw new PasskeyError(
    'signCountRegression',
    "This passkey's signature counter went backwards, which can mean it was cloned. Sign-in refused; contact your administrator.",
  );
}
