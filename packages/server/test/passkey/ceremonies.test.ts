import { describe, expect, it, beforeAll } from 'vitest';
import { createTestAttestationCa, createTestCa, fromB64url, b64url } from '@latchkey/authenticator';
import { decodeCbor, encodeCbor } from '@latchkey/protocol';
import { describeEachStore } from '../support/stores.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { generateAuthenticationOptions } from '../../src/methods/passkey/generateAuthenticationOptions.ts';
import { verifyAuthentication } from '../../src/methods/passkey/verifyAuthentication.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { addTrustAnchor } from '../../src/methods/passkey/metadata/trust-anchors.ts';
import { findByCredentialId } from '../../src/methods/passkey/credentials-repository.ts';
import { AAGUID, ORIGIN, countRows, ctx, depsOf, newUser, reasonOf, register, setFido2, signIn, softAuthenticator } from './support.ts';

describeEachStore('passkey ceremonies', (store) => {
  beforeAll(async () => {
    await setFido2(store(), { isAttestationEnforced: false, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] } });
  });

  it('registers a passkey and signs in username-first and usernameless, counting up', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const { options, result } = await register(store(), auth, userId);
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(result.credential).toMatchObject({ userId, aaguid: AAGUID, attestationFormat: 'none', attestationTrust: 'none', backupEligible: false, signCount: 0 });

    const first = await signIn(store(), auth, userId);
    expect(first.options.allowCredentials?.map((c) => c.id)).toEqual([result.credential.credentialId]);
    expect(first.result).toMatchObject({ userId, methodId: result.credential.id, passkeyType: 'deviceBound', userVerified: true, signCount: 1, amr: ['hwk', 'user', 'mfa'] });

    const second = await signIn(store(), auth, null);
    expect(second.options.allowCredentials).toEqual([]);
    expect(second.result).toMatchObject({ userId, signCount: 2 });
    const stored = await findByCredentialId(store().db, result.credential.credentialId);
    expect(stored?.signCount).toBe(2);
    expect(stored?.lastUsedAt).toBeInstanceOf(Date);
    expect(await countRows(store(), 'passkey_challenges')).toBe(0);
  });

  it('excludes already registered passkeys from new registration options', async () => {
    const userId = await newUser(store());
    const { result } = await register(store(), softAuthenticator(), userId);
    const options = await generateRegistrationOptions(depsOf(store()), { userId });
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([result.credential.credentialId]);
  });

  it('accepts exactly one of two parallel submissions of the same assertion', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, userId);
    const options = await generateAuthenticationOptions(depsOf(store()), { userId });
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
    const outcomes = await Promise.allSettled([0, 1].map(() => verifyAuthentication(depsOf(store()), ctx, { response: response as never })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason.reason).toBe('challengeUnknownOrUsed');
    expect((await findByCredentialId(store().db, response.id))?.signCount).toBe(1);
  });

  it('registers exactly one credential from two parallel submissions of the same registration', async () => {
    const userId = await newUser(store());
    const options = await generateRegistrationOptions(depsOf(store()), { userId });
    const response = softAuthenticator().makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, user: options.user });
    const outcomes = await Promise.allSettled([0, 1].map(() => verifyRegistration(depsOf(store()), ctx, { response: response as never })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.reason).toBe('challengeUnknownOrUsed');
    const rows = await store().db.selectFrom('passkey_credentials').select('id').where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(1);
  });

  it('binds challenges to the flow and the user that asked for them', async () => {
    const userId = await newUser(store());
    const other = await newUser(store());
    const deps = depsOf(store());
    const auth = softAuthenticator();
    const options = await generateRegistrationOptions(deps, { userId, flowId: 'flow-a' });
    const response = auth.makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, user: options.user });
    expect(await reasonOf(verifyRegistration(deps, ctx, { response: response as never, flowId: 'flow-b' }))).toBe('challengeMismatch');
    const again = await generateRegistrationOptions(deps, { userId });
    const r2 = auth.makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: again.challenge, user: again.user });
    expect(await reasonOf(verifyRegistration(deps, ctx, { response: r2 as never, expectedUserId: other }))).toBe('challengeMismatch');
    // An authentication challenge is not a registration challenge.
    const authOptions = await generateAuthenticationOptions(deps, {});
    const r3 = auth.makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: authOptions.challenge, user: again.user });
    expect(await reasonOf(verifyRegistration(deps, ctx, { response: r3 as never }))).toBe('challengeMismatch');
    expect((await store().db.selectFrom('passkey_credentials').select('id').where('user_id', '=', userId).execute()).length).toBe(0);
  });

  it('refuses a usernameless assertion whose user handle names another account', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, userId);
    const options = await generateAuthenticationOptions(depsOf(store()), {});
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge });
    response.response.userHandle = Buffer.from('00000000000000000000000000000000', 'hex').toString('base64url');
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('userHandleMismatch');
    delete (response.response as { userHandle?: string }).userHandle;
    const o2 = await generateAuthenticationOptions(depsOf(store()), {});
    const r2 = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: o2.challenge });
    delete (r2.response as { userHandle?: string }).userHandle;
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: r2 as never }))).toBe('userHandleMismatch');
  });

  it('refuses an assertion whose signature does not verify', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const { result } = await register(store(), auth, userId);
    const options = await generateAuthenticationOptions(depsOf(store()), { userId });
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
    const sig = fromB64url(response.response.signature);
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    response.response.signature = b64url(sig);
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('verificationFailed');
    expect((await findByCredentialId(store().db, result.credential.credentialId))?.signCount).toBe(0);
  });

  it('refuses a replayed assertion', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, userId);
    const { response } = await signIn(store(), auth, userId);
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('challengeUnknownOrUsed');
  });

  it('refuses an expired challenge and persists nothing', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const options = await generateRegistrationOptions(depsOf(store()), { userId });
    await store().db.updateTable('passkey_challenges').set({ expires_at: new Date(Date.now() - 1000) }).where('challenge', '=', options.challenge).execute();
    const response = auth.makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, user: options.user });
    const before = await countRows(store(), 'passkey_credentials');
    expect(await reasonOf(verifyRegistration(depsOf(store()), ctx, { response: response as never }))).toBe('challengeExpired');
    expect(await countRows(store(), 'passkey_credentials')).toBe(before);
  });

  it.each([
    ['wrong origin', 'originMismatch', { origin: 'https://evil.example' }],
    ['wrong RP ID', 'rpIdMismatch', { rpId: 'evil.example' }],
  ])('refuses a registration from the %s with %s, persisting nothing and keeping the challenge', async (_name, reason, override) => {
    const userId = await newUser(store());
    const options = await generateRegistrationOptions(depsOf(store()), { userId });
    const response = softAuthenticator().makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, user: options.user, ...override });
    const before = await countRows(store(), 'passkey_credentials');
    expect(await reasonOf(verifyRegistration(depsOf(store()), ctx, { response: response as never }))).toBe(reason);
    expect(await countRows(store(), 'passkey_credentials')).toBe(before);
  });

  it.each([
    ['wrong origin', 'originMismatch', { origin: 'https://evil.example' }],
    ['wrong RP ID', 'rpIdMismatch', { rpId: 'evil.example' }],
  ])('refuses an assertion from the %s with %s and leaves the counter alone', async (_name, reason, override) => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const { result } = await register(store(), auth, userId);
    if ('rpId' in override) auth.credentials[0]!.rpId = override.rpId; // the key was made for this RP; pretend it was another
    const options = await generateAuthenticationOptions(depsOf(store()), { userId });
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [], ...override });
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe(reason);
    expect((await findByCredentialId(store().db, result.credential.credentialId))?.signCount).toBe(0);
  });

  it('refuses a truncated attestation object with the CBOR reason', async () => {
    const userId = await newUser(store());
    const before = await countRows(store(), 'passkey_credentials');
    const reason = await reasonOf(
      register(store(), softAuthenticator(), userId, (r) => {
        const bytes = fromB64url(r.response.attestationObject);
        r.response.attestationObject = b64url(bytes.subarray(0, bytes.length - 10));
      }),
    );
    expect(reason).toBe('malformedAttestationObject');
    expect(await countRows(store(), 'passkey_credentials')).toBe(before);
  });

  it('refuses a credential public key that is not a point on P-256', async () => {
    const userId = await newUser(store());
    const reason = await reasonOf(
      register(store(), softAuthenticator(), userId, (r) => {
        const att = decodeCbor(fromB64url(r.response.attestationObject)) as Map<string, unknown>;
        const authData = att.get('authData') as Uint8Array;
        // rpIdHash 32 | flags 1 | counter 4 | aaguid 16 | idLen 2 | id 32 | a5 01 02 03 26 20 01 21 58 20 | x…
        const at = 37 + 16 + 2 + 32 + 10 + 5;
        authData[at] = authData[at]! ^ 0xff;
        r.response.attestationObject = b64url(encodeCbor(att as never));
      }),
    );
    expect(reason).toBe('malformedAuthenticatorData');
  });

  it('refuses trailing bytes after the attestation object', async () => {
    const userId = await newUser(store());
    const reason = await reasonOf(
      register(store(), softAuthenticator(), userId, (r) => {
        r.response.attestationObject = b64url(new Uint8Array([...fromB64url(r.response.attestationObject), 0]));
      }),
    );
    expect(reason).toBe('malformedAttestationObject');
  });

  it('refuses an oversized clientDataJSON', async () => {
    const userId = await newUser(store());
    const before = await countRows(store(), 'passkey_credentials');
    const reason = await reasonOf(
      register(store(), softAuthenticator(), userId, (r) => {
        const cd = JSON.parse(Buffer.from(r.response.clientDataJSON, 'base64url').toString());
        r.response.clientDataJSON = Buffer.from(JSON.stringify({ ...cd, padding: 'x'.repeat(10_000) })).toString('base64url');
      }),
    );
    expect(reason).toBe('responseTooLarge');
    expect(await countRows(store(), 'passkey_credentials')).toBe(before);
  });

  it('refuses a get response offered to registration', async () => {
    const userId = await newUser(store());
    const reason = await reasonOf(
      register(store(), softAuthenticator(), userId, (r) => {
        const cd = JSON.parse(Buffer.from(r.response.clientDataJSON, 'base64url').toString());
        r.response.clientDataJSON = Buffer.from(JSON.stringify({ ...cd, type: 'webauthn.get' })).toString('base64url');
      }),
    );
    expect(reason).toBe('unexpectedCeremonyType');
  });

  it("refuses a passkey offered for another user's username-first sign-in", async () => {
    const alice = await newUser(store());
    const bob = await newUser(store());
    await register(store(), softAuthenticator(), alice);
    const bobAuth = softAuthenticator();
    const { result } = await register(store(), bobAuth, bob);
    const options = await generateAuthenticationOptions(depsOf(store()), { userId: alice });
    const response = bobAuth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: [{ id: result.credential.credentialId }] });
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('credentialNotAllowed');
  });

  it('restricts username-first sign-in to the named user even when they have no passkeys, or are unknown', async () => {
    const alice = await newUser(store());
    const nobody = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, alice);
    for (const userId of [nobody, '11111111-2222-4333-8444-555555555555', 'not-even-an-id']) {
      const options = await generateAuthenticationOptions(depsOf(store()), { userId });
      expect(options.allowCredentials).toEqual([]);
      const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge });
      expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('credentialNotAllowed');
    }
    const hidden = await generateAuthenticationOptions(depsOf(store()), { userId: alice, hideCredentials: true });
    expect(hidden.allowCredentials).toEqual([]);
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: hidden.challenge });
    expect((await verifyAuthentication(depsOf(store()), ctx, { response: response as never })).userId).toBe(alice);
  });

  it('refuses a cloned authenticator whose counter went backwards and audits it', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const { result } = await register(store(), auth, userId);
    await signIn(store(), auth, userId);
    await signIn(store(), auth, userId); // stored counter 2
    auth.setSignCount(result.credential.credentialId, 0); // the clone's next assertion says 1
    const options = await generateAuthenticationOptions(depsOf(store()), { userId });
    const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
    expect(await reasonOf(verifyAuthentication(depsOf(store()), ctx, { response: response as never }))).toBe('signCountRegression');
    expect((await findByCredentialId(store().db, result.credential.credentialId))?.signCount).toBe(2);
    const audit = await store().db.selectFrom('audit_log').selectAll().where('activity_display_name', '=', 'Possible cloned authenticator').execute();
    const entry = audit.find((a) => JSON.stringify(a.target_resources).includes(result.credential.id));
    expect(entry?.result).toBe('failure');
    expect(JSON.stringify(entry?.additional_details)).toContain('"receivedSignCount","value":"1"'.replace('","value', '","value'));
  });

  it('refuses sign-in to a disabled account', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    await register(store(), auth, userId);
    await store().db.updateTable('users').set({ account_enabled: false }).where('id', '=', userId).execute();
    expect(await reasonOf(signIn(store(), auth, userId))).toBe('accountDisabled');
  });

  it('accepts repeated zero counters from authenticators without a counter', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator({ signCount: 'zero' });
    await register(store(), auth, userId);
    await signIn(store(), auth, userId);
    expect((await signIn(store(), auth, userId)).result.signCount).toBe(0);
  });

  describe('attestation and key restrictions', () => {
    it('refuses none attestation when attestation is enforced, and asks for direct attestation', async () => {
      await setFido2(store(), { isAttestationEnforced: true });
      try {
        const userId = await newUser(store());
        const options = await generateRegistrationOptions(depsOf(store()), { userId });
        expect(options.attestation).toBe('direct');
        const before = await countRows(store(), 'passkey_credentials');
        expect(await reasonOf(register(store(), softAuthenticator(), userId))).toBe('attestationRequired');
        expect(await reasonOf(register(store(), softAuthenticator({ attestation: { format: 'packed-self' } }), userId))).toBe('attestationRequired');
        expect(await countRows(store(), 'passkey_credentials')).toBe(before);
      } finally {
        await setFido2(store(), { isAttestationEnforced: false });
      }
    });

    it('accepts packed attestation chaining to an imported trust anchor, refuses an unknown root', async () => {
      const ca = await createTestAttestationCa({ aaguid: AAGUID });
      const stranger = await createTestAttestationCa({ aaguid: AAGUID, name: 'Unknown Vendor' });
      await addTrustAnchor(store().db, ctx, { displayName: 'Test attestation CA', certificatePem: ca.root.pem, usage: 'attestation' });
      await setFido2(store(), { isAttestationEnforced: true });
      try {
        const userId = await newUser(store());
        const good = softAuthenticator({ attestation: { format: 'packed', certChainPem: ca.certChainPem, privateKey: ca.leaf.privateKey } });
        const { result } = await register(store(), good, userId);
        expect(result.credential).toMatchObject({ attestationFormat: 'packed', attestationTrust: 'trusted' });
        expect(result.credential.attestationCertificates).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/)]);
        const bad = softAuthenticator({ attestation: { format: 'packed', certChainPem: stranger.certChainPem, privateKey: stranger.leaf.privateKey } });
        expect(await reasonOf(register(store(), bad, userId))).toBe('attestationUntrusted');
        // Enforcement is at registration only: the attested passkey still signs in.
        expect((await signIn(store(), good, userId)).result.userId).toBe(userId);
      } finally {
        await setFido2(store(), { isAttestationEnforced: false });
      }
      expect(await createTestCa('CN=unused')).toBeTruthy();
    });

    it('refuses registration of a blocked AAGUID, and sign-in once an existing AAGUID is blocked', async () => {
      const userId = await newUser(store());
      const auth = softAuthenticator();
      await register(store(), auth, userId);
      await setFido2(store(), { keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [AAGUID] } });
      try {
        expect(await reasonOf(register(store(), softAuthenticator(), userId))).toBe('aaguidBlocked');
        expect(await reasonOf(signIn(store(), auth, userId))).toBe('aaguidBlocked');
        await setFido2(store(), { keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: ['00000000-0000-0000-0000-0000000000aa'] } });
        expect(await reasonOf(signIn(store(), auth, userId))).toBe('aaguidNotAllowed');
      } finally {
        await setFido2(store(), { keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] } });
      }
      expect((await signIn(store(), auth, userId)).result.userId).toBe(userId);
    });

    it("uses the caller's preloaded policy only for the credential's own user", async () => {
      const userId = await newUser(store());
      const other = await newUser(store());
      const auth = softAuthenticator();
      await register(store(), auth, userId);
      const { loadMethodsEnabledFor } = await import('../../src/policy/authentication-methods/forUser.ts');
      const before = await loadMethodsEnabledFor(store().db, userId);
      const otherBefore = await loadMethodsEnabledFor(store().db, other);
      await setFido2(store(), { keyRestrictions: { isEnforced: true, enforcementType: 'block', aaGuids: [AAGUID] } });
      try {
        const attempt = async (policy: typeof before) => {
          const options = await generateAuthenticationOptions(depsOf(store()), { userId });
          const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
          return verifyAuthentication(depsOf(store()), ctx, { response: response as never, policy });
        };
        expect(await reasonOf(attempt(otherBefore))).toBe('aaguidBlocked');
        expect((await attempt(before)).userId).toBe(userId);
      } finally {
        await setFido2(store(), { keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] } });
      }
    });

    it('refuses a synced passkey where only device-bound passkeys are allowed', async () => {
      const userId = await newUser(store());
      expect(await reasonOf(register(store(), softAuthenticator({ backupEligible: true, backedUp: true }), userId))).toBe('passkeyTypeNotAllowed');
    });

    it('refuses everything when the Fido2 method is disabled', async () => {
      const userId = await newUser(store());
      const auth = softAuthenticator();
      await register(store(), auth, userId);
      await setFido2(store(), { state: 'disabled' });
      try {
        expect(await reasonOf(generateRegistrationOptions(depsOf(store()), { userId }))).toBe('methodNotEnabled');
        expect(await reasonOf(signIn(store(), auth, userId))).toBe('methodNotEnabled');
      } finally {
        await setFido2(store(), {});
      }
    });
  });
});
