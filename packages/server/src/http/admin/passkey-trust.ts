import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { badRequest, notFound } from '../../errors.ts';
import { importMetadataBlob } from '../../methods/passkey/metadata/import.ts';
import { MAX_BLOB_BYTES } from '../../methods/passkey/metadata/blob.ts';
import { lastMetadataImport, metadataDescriptions } from '../../methods/passkey/metadata/repository.ts';
import { addTrustAnchor, getTrustAnchors, removeTrustAnchor, type TrustAnchor } from '../../methods/passkey/metadata/trust-anchors.ts';

/**
 * Attestation trust for passkeys (Latchkey resources, Graph conventions; docs/passkeys.md):
 *   POST   /passkeys/metadata          body: the FIDO MDS3 BLOB file (application/jwt or text/plain)
 *   GET    /passkeys/metadata          the last import
 *   GET    /passkeys/metadata/entries?aaguids=a,b  the imported model names of those AAGUIDs (console)
 *   GET    /passkeys/trustAnchors      custom roots (attestation chains, MDS BLOB signers)
 *   POST   /passkeys/trustAnchors      {displayName, certificatePem, usage} → 201
 *   DELETE /passkeys/trustAnchors/{id} → 204
 * Needs Policy.Read.All / Policy.ReadWrite.AuthenticationMethod, like the Fido2 policy itself.
 */
export async function registerPasskeyTrustRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const db = deps.store.db;
  const tags = ['passkeyTrust'];
  // Encapsulated so the raw-body parser applies to these routes only.
  await api.register(async (scope) => {
    scope.addContentTypeParser(['application/jwt', 'application/octet-stream'], { parseAs: 'string', bodyLimit: MAX_BLOB_BYTES }, (_req, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post('/passkeys/metadata', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      bodyLimit: MAX_BLOB_BYTES,
      schema: {
        tags,
        summary: 'Import a FIDO Metadata Service (MDS3) BLOB file; its signature chain must reach the FIDO root or a metadata trust anchor',
        consumes: ['application/jwt', 'text/plain', 'application/octet-stream'],
        body: z.string().min(1).describe('The BLOB as downloaded from https://mds3.fidoalliance.org (a JWS)'),
        response: { 200: metadataImport.extend({ legalHeader: z.string().nullable() }) },
      },
    }, async (request) => importMetadataBlob(db, contextOf(request), request.body));

    r.get('/passkeys/metadata', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'The last imported FIDO metadata BLOB', response: { 200: metadataImport.extend({ importedDateTime: z.string() }) } },
    }, async () => {
      const last = await lastMetadataImport(db);
      if (!last) throw notFound('passkeyMetadata', 'metadata');
      return { no: last.no, nextUpdate: last.nextUpdate, entryCount: last.entryCount, signerSubject: last.signerSubject, importedDateTime: last.importedAt.toISOString() };
    });

    r.get('/passkeys/metadata/entries', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: {
        tags,
        summary: 'Model names (metadata descriptions) of the listed AAGUIDs; AAGUIDs no imported BLOB lists are left out',
        querystring: z.object({ aaguids: z.string().max(20_000).describe('Comma-separated AAGUIDs (at most 500)') }),
        response: { 200: z.object({ value: z.array(z.object({ aaguid: z.string(), description: z.string() })) }) },
      },
    }, async (request) => {
      const aaguids = request.query.aaguids.split(',').map((a) => a.trim()).filter((a) => UUID.test(a));
      if (aaguids.length > 500) throw badRequest('At most 500 AAGUIDs per request.');
      const names = await metadataDescriptions(db, aaguids);
      return { value: [...names].map(([aaguid, description]) => ({ aaguid, description })) };
    });

    r.get('/passkeys/trustAnchors', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'List custom passkey trust anchors', querystring: z.object({ usage: z.enum(['attestation', 'metadata']).optional() }), response: { 200: z.object({ value: z.array(trustAnchor) }) } },
    }, async (request) => ({ value: (await getTrustAnchors(db, request.query.usage)).map(toJson) }));

    r.post('/passkeys/trustAnchors', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: {
        tags,
        summary: 'Add a trust anchor (a CA certificate in PEM)',
        body: z.strictObject({
          displayName: z.string().min(1).max(200),
          certificatePem: z.string().min(1).max(20_000),
          usage: z.enum(['attestation', 'metadata']).default('attestation').describe("'attestation': roots for packed/tpm attestation chains; 'metadata': roots that may sign MDS BLOBs"),
        }),
        response: { 201: trustAnchor },
      },
    }, async (request, reply) => reply.code(201).send(toJson(await addTrustAnchor(db, contextOf(request), request.body))));

    r.delete('/passkeys/trustAnchors/:id', {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: { tags, summary: 'Remove a trust anchor', params: z.object({ id: z.string().min(1).max(64) }), response: { 204: z.null().describe('Deleted') } },
    }, async (request, reply) => {
      await removeTrustAnchor(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    });
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const metadataImport = z.object({ no: z.int(), nextUpdate: z.string().nullable(), entryCount: z.int(), signerSubject: z.string() });
const trustAnchor = z.object({
  id: z.string(),
  usage: z.enum(['attestation', 'metadata']),
  displayName: z.string(),
  subject: z.string(),
  thumbprintSha256: z.string(),
  notAfterDateTime: z.string(),
  createdDateTime: z.string(),
  certificatePem: z.string(),
});

function toJson(a: TrustAnchor): z.infer<typeof trustAnchor> {
  return { id: a.id, usage: a.usage, displayName: a.displayName, subject: a.subject, thumbprintSha256: a.thumbprintSha256, notAfterDateTime: a.notAfter.toISOString(), createdDateTime: a.createdAt.toISOString(), certificatePem: a.certificatePem };
}
