import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, mdsEntry, signMdsBlob } from '@latchkey/authenticator';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const KNOWN = '6c1d9a3e-5b7f-4e21-8d90-a1b2c3d4e5f6';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

/** `GET /passkeys/metadata/entries?aaguids=…`: the model names the console shows beside AAGUIDs; the import's legal header. */
for (const kind of STORE_KINDS) {
  describe(`passkey metadata names [${kind}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => server?.close());

    it('answers the imported description of each known AAGUID and leaves the others out', async () => {
      expect((await server.api(`/api/v1/passkeys/metadata/entries?aaguids=${KNOWN}`)).body).toEqual({ value: [] });
      const root = await createTestCa('C=US, O=Test MDS, CN=Names Test Root');
      const signer = await root.issue('C=US, O=Test MDS, CN=names.test');
      expect(
        (await server.api('/api/v1/passkeys/trustAnchors', { body: { displayName: 'root', certificatePem: root.pem, usage: 'metadata' } }))
          .status,
      ).toBe(201);
      const blob = signMdsBlob({
        entries: [mdsEntry({ aaguid: KNOWN, description: 'Acme Key 5', attestationRootCertificates: [] })],
        signerKey: signer.privateKey,
        signerChainPem: [signer.pem],
        no: 2,
      });
      const imported = await server.api('/api/v1/passkeys/metadata', { body: blob, headers: { 'content-type': 'application/jwt' } });
      expect(imported.status).toBe(200);
      // The import answer carries the BLOB's legal header for the console to show (not stored).
      expect(imported.body).toMatchObject({
        no: 2,
        entryCount: 1,
        legalHeader: expect.stringContaining('fidoalliance.org/metadata/metadata-legal-terms'),
      });

      const r = await server.api(`/api/v1/passkeys/metadata/entries?aaguids=${KNOWN.toUpperCase()},${UNKNOWN},not-a-guid`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ value: [{ aaguid: KNOWN, description: 'Acme Key 5' }] });
    });

    it('needs the aaguids parameter and a reader token', async () => {
      expect((await server.api('/api/v1/passkeys/metadata/entries')).status).toBe(400);
      const userReader = await server.token({ roles: ['f2ef992c-3afb-46b9-b7cf-a126ee74c451'], scopes: ['User.Read.All'] });
      expect((await server.api(`/api/v1/passkeys/metadata/entries?aaguids=${KNOWN}`, { token: userReader })).status).toBe(403);
      expect((await server.api(`/api/v1/passkeys/metadata/entries?aaguids=${KNOWN}`, { token: null })).status).toBe(401);
    });
  });
}
