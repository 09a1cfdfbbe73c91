import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { verifyAuthenticationResponse, verifyRegistrationResponse, SettingsService } from '@simplewebauthn/server';
import { decodeCbor } from '@latchkey/protocol';
import { createAuthenticator, createTestAttestationCa, FLAGS, fromB64url, OID_FIDO_GEN_CE_AAGUID } from '../src/index.ts';

const AAGUID = '5f1c0e7a-3b2d-4c8e-9a61-0d2f4b6c8e10';
const rp = { rpId: 'localhost', origin: 'http://localhost:8080' };
const user = { id: Buffer.from('user-1').toString('base64url'), name: 'ada@example.com', displayName: 'Ada' };
const challenge = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

describe('software authenticator', () => {
  it('registers with none attestation and the standard library verifies it', async () => {
    const auth = createAuthenticator({ aaguid: AAGUID });
    const c = challenge();
    const response = auth.makeCredential({ ...rp, challenge: c, user });
    const result = await verifyRegistrationResponse({ response: response as never, expectedChallenge: c, expectedOrigin: rp.origin, expectedRPID: rp.rpId });
    expect(result.verified).toBe(true);
    expect(result.registrationInfo?.fmt).toBe('none');
    expect(result.registrationInfo?.aaguid).toBe(AAGUID);
    expect(result.registrationInfo?.credentialDeviceType).toBe('singleDevice');
    const att = decodeCbor(fromB64url(response.response.attestationObject), { requireCanonical: true }) as Map<string, unknown>;
    expect([...att.keys()]).toEqual(['fmt', 'attStmt', 'authData']);
  });

  it('signs assertions the standard library verifies, with a counter that increases', async () => {
    const auth = createAuthenticator({ aaguid: AAGUID, backupEligible: true, backedUp: true });
    const c1 = challenge();
    const reg = await verifyRegistrationResponse({ response: auth.makeCredential({ ...rp, challenge: c1, user }) as never, expectedChallenge: c1, expectedOrigin: rp.origin, expectedRPID: rp.rpId });
    const credential = reg.registrationInfo!.credential;
    expect(reg.registrationInfo!.credentialDeviceType).toBe('multiDevice');
    let counter = credential.counter;
    for (let i = 1; i <= 3; i++) {
      const c = challenge();
      const assertion = auth.getAssertion({ ...rp, challenge: c });
      const flags = fromB64url(assertion.response.authenticatorData)[32]!;
      expect(flags & (FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS)).toBe(FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS);
      expect(flags & FLAGS.AT).toBe(0);
      expect(assertion.response.userHandle).toBe(user.id);
      const v = await verifyAuthenticationResponse({ response: assertion as never, expectedChallenge: c, expectedOrigin: rp.origin, expectedRPID: rp.rpId, credential: { ...credential, counter } });
      expect(v.verified).toBe(true);
      expect(v.authenticationInfo.newCounter).toBe(i);
      counter = v.authenticationInfo.newCounter;
    }
  });

  it('honours allowCredentials and refuses when nothing matches', () => {
    const auth = createAuthenticator({ aaguid: AAGUID });
    const a = auth.makeCredential({ ...rp, challenge: challenge(), user });
    auth.makeCredential({ ...rp, challenge: challenge(), user: { ...user, id: Buffer.from('user-2').toString('base64url') } });
    expect(auth.getAssertion({ ...rp, challenge: challenge(), allowCredentials: [{ id: a.id }] }).id).toBe(a.id);
    expect(() => auth.getAssertion({ ...rp, challenge: challenge(), allowCredentials: [{ id: 'AAAA' }] })).toThrow(/NotAllowedError/);
    expect(() => auth.getAssertion({ rpId: 'other.example', origin: 'https://other.example', challenge: challenge() })).toThrow(/NotAllowedError/);
  });

  it('produces packed attestation that chains to the test CA root', async () => {
    const ca = await createTestAttestationCa({ aaguid: AAGUID });
    const leaf = new X509Certificate(ca.leaf.pem);
    expect(leaf.subject).toContain('OU=Authenticator Attestation');
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(new X509Certificate(ca.root.pem))).toBe(true);
    expect(new X509Certificate(ca.root.pem).ca).toBe(true);
    expect(leaf.toLegacyObject().infoAccess).toBeUndefined();
    const auth = createAuthenticator({ aaguid: AAGUID, attestation: { format: 'packed', certChainPem: ca.certChainPem, privateKey: ca.leaf.privateKey } });
    const c = challenge();
    // The packed verifier checks the chain against the roots registered for 'packed'.
    SettingsService.setRootCertificates({ identifier: 'packed', certificates: [ca.root.pem] });
    try {
      const result = await verifyRegistrationResponse({ response: auth.makeCredential({ ...rp, challenge: c, user }) as never, expectedChallenge: c, expectedOrigin: rp.origin, expectedRPID: rp.rpId });
      expect(result.verified).toBe(true);
      expect(result.registrationInfo?.fmt).toBe('packed');
      // A leaf for another model under the same root fails the AAGUID extension check (WebAuthn L3 §8.2.1).
      const other = await ca.issueLeaf('11111111-2222-3333-4444-555555555555');
      const mismatched = createAuthenticator({ aaguid: AAGUID, attestation: { format: 'packed', certChainPem: [other.pem], privateKey: other.privateKey } });
      const c2 = challenge();
      await expect(verifyRegistrationResponse({ response: mismatched.makeCredential({ ...rp, challenge: c2, user }) as never, expectedChallenge: c2, expectedOrigin: rp.origin, expectedRPID: rp.rpId })).rejects.toThrow(/AAGUID/i);
    } finally {
      SettingsService.setRootCertificates({ identifier: 'packed', certificates: [] });
    }
    expect(OID_FIDO_GEN_CE_AAGUID).toBe('1.3.6.1.4.1.45724.1.1.4');
  });

  it('reports a zero counter when configured as a synced provider', () => {
    const auth = createAuthenticator({ aaguid: AAGUID, signCount: 'zero' });
    auth.makeCredential({ ...rp, challenge: challenge(), user });
    const a = auth.getAssertion({ ...rp, challenge: challenge() });
    expect(new DataView(fromB64url(a.response.authenticatorData).buffer).getUint32(33)).toBe(0);
  });
});
