import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createTestAttestationCa, createTestCa, mdsEntry, signMdsBlob } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { relyingPartyFrom } from '../../src/methods/passkey/relying-party.ts';
import { AAGUID, FIDO2_TYPE, ctx, softAuthenticator, reasonOf } from './support.ts';

for (const kind of STORE_KINDS) {
  describe(`passkey admin API [${kind}]`, () => {
    let server: TestServer;
    let userId: string;
    let upn: string;

    beforeAll(async () => {
      server = await startTestServer(kind);
      upn = `pk-${kind}@latchkey.test`;
      const created = await server.api('/api/v1/users', { body: { userPrincipalName: upn, displayName: 'Passkey Person' } });
      expect(created.status).toBe(201);
      userId = created.body.id;
      const patched = await server.api('/api/v1/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2', {
        method: 'PATCH',
        body: { '@odata.type': FIDO2_TYPE, state: 'enabled', isAttestationEnforced: false },
      });
      expect(patched.status).toBe(204);
    });
    afterAll(async () => server?.close());

    const registerViaDomain = async (auth = softAuthenticator()) => {
      const deps = { db: server.runtime.store.db, rp: relyingPartyFrom(server.config) };
      const options = await generateRegistrationOptions(deps, { userId });
      const response = auth.makeCredential({ rpId: options.rp.id!, origin: server.config.publicUrl.origin, challenge: options.challenge, user: options.user });
      return (await verifyRegistration(deps, ctx, { response: response as never })).credential;
    };

    it('imports MDS metadata and trust anchors over HTTP, then shows the model name on fido2Methods', async () => {
      const mdsRoot = await createTestCa('C=US, O=Test MDS, CN=HTTP Test MDS Root');
      const signer = await mdsRoot.issue('C=US, O=Test MDS, CN=mds.http.test');
      const vendor = await createTestAttestationCa({ aaguid: AAGUID, name: 'Zeta Keys' });
      const blob = signMdsBlob({ entries: [mdsEntry({ aaguid: AAGUID, description: 'Zeta Key NFC', attestationRootCertificates: [vendor.root.pem] })], signerKey: signer.privateKey, signerChainPem: [signer.pem], no: 3 });

      const refused = await server.api('/api/v1/passkeys/metadata', { body: blob, headers: { 'content-type': 'application/jwt' } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'Request_BadRequest', details: { reason: 'metadataSignerUntrusted' } });

      const anchor = await server.api('/api/v1/passkeys/trustAnchors', { body: { displayName: 'Test MDS root', certificatePem: mdsRoot.pem, usage: 'metadata' } });
      expect(anchor.status).toBe(201);
      expect(anchor.body).toMatchObject({ usage: 'metadata', displayName: 'Test MDS root', subject: expect.stringContaining('HTTP Test MDS Root') });
      expect((await server.api('/api/v1/passkeys/trustAnchors', { body: { displayName: 'dup', certificatePem: mdsRoot.pem, usage: 'metadata' } })).status).toBe(409);
      expect((await server.api('/api/v1/passkeys/trustAnchors', { body: { displayName: 'bad', certificatePem: 'x', usage: 'metadata' } })).status).toBe(400);

      const imported = await server.api('/api/v1/passkeys/metadata', { body: blob, headers: { 'content-type': 'application/jwt' } });
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ no: 3, entryCount: 1 });
      expect((await server.api('/api/v1/passkeys/metadata')).body).toMatchObject({ no: 3, entryCount: 1 });
      const list = await server.api('/api/v1/passkeys/trustAnchors?usage=metadata');
      expect(list.body.value.map((a: { id: string }) => a.id)).toEqual([anchor.body.id]);

      const cred = await registerViaDomain();
      const methods = await server.api(`/api/v1/users/${encodeURIComponent(upn)}/authentication/fido2Methods`);
      expect(methods.status).toBe(200);
      const m = methods.body.value.find((x: { id: string }) => x.id === cred.id);
      expect(m).toEqual({
        '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
        id: cred.id,
        displayName: 'Zeta Key NFC',
        createdDateTime: expect.any(String),
        aaGuid: AAGUID,
        model: 'Zeta Key NFC',
        attestationCertificates: [],
        attestationLevel: 'notAttested',
        passkeyType: 'deviceBound',
        lastUsedDateTime: null,
      });
      expect(JSON.stringify(methods.body)).not.toMatch(/publicKey|credentialId|signCount/);

      expect((await server.api(`/api/v1/passkeys/trustAnchors/${anchor.body.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/api/v1/passkeys/trustAnchors/${anchor.body.id}`, { method: 'DELETE' })).status).toBe(404);
    });

    it('gets and deletes a passkey; the deleted passkey no longer signs in', async () => {
      const auth = softAuthenticator();
      const cred = await registerViaDomain(auth);
      const one = await server.api(`/api/v1/users/${userId}/authentication/fido2Methods/${cred.id}`);
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(cred.id);
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods/not-a-guid`)).status).toBe(404);
      const { renameFido2Method } = await import('../../src/methods/passkey/fido2-methods.ts');
      expect((await renameFido2Method(server.runtime.store.db, ctx, userId, cred.id, '  Work laptop  ')).displayName).toBe('Work laptop');
      await expect(renameFido2Method(server.runtime.store.db, ctx, userId, cred.id, '\u0007')).rejects.toThrow(/printable/);
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods/${cred.id}`)).body.displayName).toBe('Work laptop');
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods/${cred.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods/${cred.id}`)).status).toBe(404);
      const store = server.runtime.store;
      const origin = server.config.publicUrl.origin;
      // The RP of this server is its public URL; sign in against it with the deleted credential.
      const { generateAuthenticationOptions } = await import('../../src/methods/passkey/generateAuthenticationOptions.ts');
      const { verifyAuthentication } = await import('../../src/methods/passkey/verifyAuthentication.ts');
      const deps = { db: store.db, rp: relyingPartyFrom(server.config) };
      const options = await generateAuthenticationOptions(deps, {});
      const response = auth.getAssertion({ rpId: options.rpId!, origin, challenge: options.challenge });
      expect(await reasonOf(verifyAuthentication(deps, ctx, { response: response as never }))).toBe('unknownCredential');
    });

    it('imports metadata and manages anchors through the CLI operations', async () => {
      const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const { findOp } = await import('../../src/cli/ops.ts');
      await import('../../src/cli/all-ops.ts');
      const root = await createTestCa('C=US, O=Test MDS, CN=CLI Test MDS Root');
      const signer = await root.issue('C=US, O=Test MDS, CN=mds.cli.test');
      const run = (name: string, args: Record<string, unknown>) => findOp(name)!.run(server.runtime, args);
      const anchor = (await run('passkeys.anchors.add', { displayName: 'CLI MDS root', certificatePem: root.pem, usage: 'metadata' })) as { id: string };
      const dir = mkdtempSync(join(tmpdir(), 'mds-'));
      const file = join(dir, 'blob.jwt');
      try {
        writeFileSync(file, signMdsBlob({ entries: [mdsEntry({ aaguid: '12345678-1234-4234-8234-123456789abc', description: 'CLI Key', attestationRootCertificates: [root.pem] })], signerKey: signer.privateKey, signerChainPem: [signer.pem], no: 50 }));
        expect(await run('passkeys.metadata.import', { file })).toMatchObject({ no: 50, entryCount: 1 });
      } finally {
        rmSync(dir, { recursive: true, force: true }); // every run used to leave one behind in the temp dir
      }
      await expect(run('passkeys.metadata.import', { file: 'relative.jwt' })).rejects.toThrow(/absolute/);
      expect(((await run('passkeys.anchors.list', { usage: 'metadata' })) as Array<{ id: string }>).map((a) => a.id)).toContain(anchor.id);
      expect(await run('passkeys.anchors.remove', { id: anchor.id })).toEqual({ deleted: anchor.id });
      expect(await run('passkeys.list', { user: upn })).toEqual(expect.any(Array));
    });

    it('describes its routes in the OpenAPI document', async () => {
      const doc = await server.api('/openapi.json', { token: null });
      expect(doc.status).toBe(200);
      for (const path of ['/api/v1/users/{userId}/authentication/fido2Methods', '/api/v1/users/{userId}/authentication/fido2Methods/{methodId}', '/api/v1/passkeys/metadata', '/api/v1/passkeys/trustAnchors', '/api/v1/passkeys/trustAnchors/{id}']) {
        expect(Object.keys(doc.body.paths)).toContain(path);
      }
    });

    it('requires the right permissions', async () => {
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods`, { token: null })).status).toBe(401);
      const reader = await server.token({ roles: ['f2ef992c-3afb-46b9-b7cf-a126ee74c451'], scopes: ['UserAuthenticationMethod.Read.All', 'Policy.Read.All'] });
      expect((await server.api(`/api/v1/users/${userId}/authentication/fido2Methods`, { token: reader })).status).toBe(200);
      expect((await server.api('/api/v1/passkeys/trustAnchors', { token: reader, body: { displayName: 'x', certificatePem: 'x' } })).status).toBe(403);
    });
  });
}
