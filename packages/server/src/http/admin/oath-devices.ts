import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, requires, type AppDeps } from '../context.ts';
import { badRequest } from '../../errors.ts';
import { createDevice, deleteDevice, getDevice, listDevices } from '../../methods/oath/devices.ts';
import { activateToken } from '../../methods/oath/activateToken.ts';
import { resyncToken } from '../../methods/oath/resyncToken.ts';
import { importHardwareTokens, MAX_IMPORT_BYTES } from '../../methods/oath/importHardwareTokens.ts';
import { readOathSettings, updateOathSettings } from '../../methods/oath/settings.ts';
import { hardwareOathDevice, importResult, oathSettings, resyncBody, verificationBody } from '../../methods/oath/schemas.ts';

/**
 * Hardware OATH token inventory in Graph beta's shape (entra-spec §6.3; docs/oath.md):
 *   GET    /directory/authenticationMethodDevices/hardwareOathDevices?$top&$skiptoken
 *   POST   /directory/authenticationMethodDevices/hardwareOathDevices       one token → 201
 *   GET    /directory/authenticationMethodDevices/hardwareOathDevices/{id}
 *   DELETE /directory/authenticationMethodDevices/hardwareOathDevices/{id}  → 204
 *   POST   …/hardwareOathDevices/{id}/activate {"verificationCode"}        → 204 (admin activation)
 *   POST   …/hardwareOathDevices/{id}/resync {"code1","code2"}             → 200 {drift}
 *   POST   …/hardwareOathDevices/import?format&partial  body: the CSV or PSKC file; header Latchkey-Pskc-Key: <32 hex> for encrypted PSKC
 *   GET|PATCH /oathSettings   windows and lockout thresholds (Latchkey extension)
 * Inventory needs the authentication-methods policy permissions; activation and resync act on a
 * user's method, so they need UserAuthenticationMethod.ReadWrite.All.
 */
export async function registerOathDeviceRoutes(api: FastifyInstance, deps: AppDeps): Promise<void> {
  const db = deps.store.db;
  const tags = ['hardwareOathDevices'];
  const base = '/directory/authenticationMethodDevices/hardwareOathDevices';
  const idParams = z.object({ id: z.string().min(1).max(64) });
  const oath = { db, envelope: deps.envelope };

  await api.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'application/xml', 'text/xml', 'application/pskc+xml', 'application/octet-stream'],
      { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
      (_req, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.get(
      base,
      {
        onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
        schema: {
          tags,
          summary: 'List hardware OATH tokens',
          querystring: z.object({ $top: z.coerce.number().int().min(1).max(999).default(100), $skiptoken: z.string().max(200).optional() }),
          response: { 200: z.object({ value: z.array(hardwareOathDevice), '@odata.nextLink': z.string().optional() }) },
        },
      },
      async (request) => {
        const afterSerial = request.query.$skiptoken ? decodeSkip(request.query.$skiptoken) : undefined;
        const page = await listDevices(db, { top: request.query.$top, afterSerial });
        const next = page.last
          ? `${deps.config.publicUrl.origin}/api/v1${base}?$top=${request.query.$top}&$skiptoken=${encodeSkip(page.last.serialNumber ?? '')}`
          : undefined;
        return { value: page.value, ...(next ? { '@odata.nextLink': next } : {}) };
      },
    );

    r.post(
      base,
      {
        onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
        schema: {
          tags,
          summary: 'Add a hardware OATH token (secretKey is write-only)',
          body: z.strictObject({
            serialNumber: z.string().min(1).max(64),
            secretKey: z.string().min(1).max(128).describe('Base32 seed'),
            manufacturer: z.string().max(64).nullish(),
            model: z.string().max(64).nullish(),
            displayName: z.string().max(200).nullish(),
            timeIntervalInSeconds: z.union([z.literal(30), z.literal(60)]).default(30),
            hashFunction: z.enum(['hmacsha1', 'hmacsha256']).default('hmacsha1'),
            digits: z.union([z.literal(6), z.literal(8)]).default(6),
            assignTo: z.strictObject({ id: z.string().min(1).max(320) }).optional(),
          }),
          response: { 201: hardwareOathDevice },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const device = await createDevice(oath, contextOf(request), {
          ...b,
          manufacturer: b.manufacturer ?? null,
          model: b.model ?? null,
          displayName: b.displayName ?? null,
          assignTo: b.assignTo?.id,
        });
        return reply.code(201).send(device);
      },
    );

    r.post(
      `${base}/import`,
      {
        onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          tags,
          summary: 'Bulk import: Entra CSV or PSKC (RFC 6030) file; all or nothing unless partial=true',
          consumes: ['text/csv', 'application/xml', 'application/pskc+xml', 'application/octet-stream'],
          querystring: z.object({
            format: z.enum(['csv', 'pskc']).optional(),
            partial: z.enum(['true', 'false']).optional(),
          }),
          // A header, not the query string: URLs end up in proxy and browser logs.
          headers: z.object({
            'latchkey-pskc-key': z
              .string()
              .regex(/^[0-9a-fA-F]{32}$/, 'the PSKC pre-shared key must be 32 hex digits (AES-128)')
              .optional()
              .describe('PSKC pre-shared key for encrypted files, 32 hex digits'),
          }),
          body: z.string().min(1).describe('The token file'),
          response: { 200: importResult },
        },
      },
      async (request) => {
        const q = request.query;
        const psk = request.headers['latchkey-pskc-key'];
        const result = await importHardwareTokens(oath, contextOf(request), request.body, {
          ...(q.format ? { format: q.format } : {}),
          partial: q.partial === 'true',
          ...(psk ? { preSharedKey: Buffer.from(psk, 'hex') } : {}),
        });
        if (!result.ok)
          throw badRequest(`The file has ${result.issues.length} problem(s); nothing was imported.`, {
            reason: 'OathImportInvalid',
            ...result,
          });
        return result;
      },
    );
  });

  const r = api.withTypeProvider<ZodTypeProvider>();
  r.get(
    `${base}/:id`,
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'Get a hardware OATH token', params: idParams, response: { 200: hardwareOathDevice } },
    },
    async (request) => getDevice(db, request.params.id),
  );

  r.delete(
    `${base}/:id`,
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: { tags, summary: 'Delete a hardware OATH token', params: idParams, response: { 204: z.null().describe('Deleted') } },
    },
    async (request, reply) => {
      await deleteDevice(db, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    `${base}/:id/activate`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: 'Activate an assigned token with the code it shows now',
        params: idParams,
        body: verificationBody,
        response: { 204: z.null().describe('Activated') },
      },
    },
    async (request, reply) => {
      await activateToken(oath, contextOf(request), {
        tokenId: request.params.id,
        kind: 'hardware',
        verificationCode: request.body.verificationCode,
        displayName: request.body.displayName ?? undefined,
      });
      return reply.code(204).send(null);
    },
  );

  r.post(
    `${base}/:id/resync`,
    {
      onRequest: requires(deps.tokens, 'userAuthMethods.write'),
      schema: {
        tags,
        summary: 'Resynchronise a drifted token with two consecutive codes',
        params: idParams,
        body: resyncBody,
        response: { 200: z.object({ drift: z.number().int() }) },
      },
    },
    async (request) =>
      resyncToken(oath, contextOf(request), { tokenId: request.params.id, code1: request.body.code1, code2: request.body.code2 }),
  );

  r.get(
    '/oathSettings',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.read'),
      schema: { tags, summary: 'OATH verification windows and lockout thresholds', response: { 200: oathSettings } },
    },
    async () => readOathSettings(db),
  );

  r.patch(
    '/oathSettings',
    {
      onRequest: requires(deps.tokens, 'authMethodsPolicy.write'),
      schema: {
        tags,
        summary: 'Change OATH windows or lockout thresholds',
        body: oathSettings.partial().strict(),
        response: { 200: oathSettings },
      },
    },
    async (request) => {
      await updateOathSettings(db, contextOf(request), request.body);
      return readOathSettings(db);
    },
  );
}

/** `$skiptoken`: the last serial number of the page, base64url (opaque to clients). */
function encodeSkip(serial: string): string {
  return Buffer.from(serial, 'utf8').toString('base64url');
}

function decodeSkip(token: string): string {
  const serial = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(token) || serial.length === 0 || serial.length > 64 || !serial.isWellFormed() || serial.includes('\0'))
    throw badRequest('Invalid $skiptoken.');
  return serial;
}
