import { randomUUID } from 'node:crypto';
import { verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { isUniqueViolation } from '../../directory/audit-values.ts';
import type { PasskeyDeps } from './deps.ts';
import { PasskeyError, ensure } from './errors.ts';
import { decideRegistration } from './attestation-policy.ts';
import { evaluateAttestationTrust, latestStatus } from './attestation-trust.ts';
import { consumeChallenge } from './challenges.ts';
import { findByCredentialId, insertCredential, type PasskeyCredential } from './credentials-repository.ts';
import { passkeyPolicyFor } from './policy-for-user.ts';
import { checkAttestationObject, checkClientData, checkCredentialPublicKey, checkOrigin, checkRpIdHash } from './response-checks.ts';

export interface VerifyRegistrationInput {
  response: RegistrationResponseJSON;
  /** Must equal the flow named when the options were generated (undefined: not checked). */
  flowId?: string | null;
  /** The signed-in user the caller registers for; must match the challenge's user. */
  expectedUserId?: string;
  /** Name shown in My Security Info; default: the model's MDS description, else "Passkey". */
  displayName?: string;
}

export interface VerifiedRegistration {
  credential: PasskeyCredential;
  /** The profile the passkey satisfied, and the model name from metadata when known. */
  profileId: string;
  model: string | null;
}

/**
 * Step 2 of registration (WebAuthn L3 §7.1). In order: stateless checks of the response
 * (`response-checks.ts`); atomic consumption of its challenge; full verification by
 * @simplewebauthn/server (UV required); attestation trust (`attestation-trust.ts`); the passkey
 * policy (`attestation-policy.ts`); then the credential and its audit entry in one transaction.
 * Any refusal throws a PasskeyError with a specific reason and persists nothing but the
 * consumed challenge.
 */
export async function verifyRegistration(deps: PasskeyDeps, ctx: RequestContext, input: VerifyRegistrationInput): Promise<VerifiedRegistration> {
  const { response } = input;
  ensure(response && typeof response === 'object' && response.response && typeof response.response === 'object', 'malformedResponse', 'The registration response is not a PublicKeyCredential JSON object.');
  ensure(typeof response.id === 'string' && response.id === response.rawId && response.id.length <= 1366, 'malformedResponse', 'The credential id is missing, too long, or differs from rawId.');
  const clientData = checkClientData(response.response.clientDataJSON, 'webauthn.create');
  const attestation = checkAttestationObject(response.response.attestationObject);
  checkOrigin(clientData, deps.rp);
  checkRpIdHash(attestation.authData, deps.rp);

  const challenge = await consumeChallenge(deps.db, clientData.challenge, { purpose: 'registration', ...(input.flowId !== undefined ? { flowId: input.flowId } : {}) });
  ensure(challenge.userId && (input.expectedUserId === undefined || input.expectedUserId === challenge.userId), 'challengeMismatch', 'The registration was started for another user.');
  const userId = challenge.userId;

  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: [...deps.rp.origins],
      expectedRPID: deps.rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: [-7, -257],
    });
  } catch (cause) {
    throw new PasskeyError('verificationFailed', 'The passkey could not be verified.', { cause });
  }
  ensure(verified.verified, 'verificationFailed', 'The attestation signature does not verify.');
  const info = verified.registrationInfo;
  const aaguid = info.aaguid.toLowerCase();
  checkCredentialPublicKey(info.credential.publicKey);

  const trust = await evaluateAttestationTrust(deps.db, attestation, aaguid);
  const policy = await passkeyPolicyFor(deps.db, userId);
  const backupEligible = info.credentialDeviceType === 'multiDevice';
  const decision = decideRegistration(policy.config, policy.profiles, { aaguid, fmt: info.fmt, trust: trust.trust, backupEligible, metadataStatus: latestStatus(trust.metadata) });
  if (!decision.allowed) throw new PasskeyError(decision.reason, decision.message, { details: { aaguid, attestationFormat: info.fmt, attestationTrust: trust.trust, profiles: decision.profiles } });
  if (await findByCredentialId(deps.db, info.credential.id)) throw new PasskeyError('credentialAlreadyRegistered', 'This passkey is already registered.');

  const model = trust.metadata?.description ?? null;
  try {
    const credential = await deps.db.transaction().execute(async (trx) => {
      const stored = await insertCredential(trx, {
        id: randomUUID(),
        credentialId: info.credential.id,
        userId,
        publicKey: info.credential.publicKey,
        signCount: info.credential.counter,
        aaguid,
        transports: (Array.isArray(response.response.transports) ? response.response.transports : []).filter((t) => typeof t === 'string' && t.length <= 32).slice(0, 8),
        backupEligible,
        backedUp: info.credentialBackedUp,
        attestationFormat: info.fmt,
        attestationTrust: trust.trust,
        attestationCertificates: trust.certificates,
        displayName: (input.displayName ?? model ?? 'Passkey').slice(0, 200),
        rpId: deps.rp.id,
      });
      await recordAudit(trx, ctx, {
        category: 'UserManagement',
        activity: 'User registered security info',
        operationType: 'Add',
        targets: [{ id: userId, type: 'User' }, { id: stored.id, displayName: stored.displayName, type: 'Other' }],
        details: { method: 'Fido2', aaguid, attestationFormat: info.fmt, attestationTrust: trust.trust, passkeyType: backupEligible ? 'synced' : 'deviceBound', profileId: decision.profileId },
      });
      return stored;
    });
    return { credential, profileId: decision.profileId, model };
  } catch (cause) {
    if (isUniqueViolation(cause)) throw new PasskeyError('credentialAlreadyRegistered', 'This passkey is already registered.', { cause });
    throw cause;
  }
}
