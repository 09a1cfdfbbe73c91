import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { defineOp } from '../../cli/ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { ApiError, badRequest } from '../../errors.ts';
import { deleteFido2Method, listFido2Methods, type Fido2AuthenticationMethod } from './fido2-methods.ts';
import { importMetadataBlob, type MetadataImportResult } from './metadata/import.ts';
import { MAX_BLOB_BYTES } from './metadata/blob.ts';
import { lastMetadataImport } from './metadata/repository.ts';
import { addTrustAnchor, getTrustAnchors, removeTrustAnchor, type TrustAnchor } from './metadata/trust-anchors.ts';

/**
 * CLI operations for passkeys (`latchkey passkeys …`, see `cli.ts`). They run in-process or inside
 * the live server through the control socket, as the system actor, audited like the API.
 */
function argsOf<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ApiError('Request_BadRequest', `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

const User = z.object({ user: z.string().min(1).max(320) });
const Delete = User.extend({ methodId: z.string().min(1).max(64) });
const ImportArgs = z.object({ file: z.string().min(1).max(4096) });
const Usage = z.object({ usage: z.enum(['attestation', 'metadata']).optional() });
const AddAnchor = z.object({ displayName: z.string().min(1).max(200), certificatePem: z.string().min(1).max(20_000), usage: z.enum(['attestation', 'metadata']).default('attestation') });
const Remove = z.object({ id: z.string().min(1).max(64) });

export const passkeysListOp = defineOp<z.input<typeof User>, Fido2AuthenticationMethod[]>({
  name: 'passkeys.list',
  run: async (rt, raw) => listFido2Methods(rt.store.db, argsOf(User, raw).user),
});

export const passkeysDeleteOp = defineOp<z.input<typeof Delete>, { deleted: string }>({
  name: 'passkeys.delete',
  async run(rt, raw) {
    const a = argsOf(Delete, raw);
    await deleteFido2Method(rt.store.db, systemContext(), a.user, a.methodId);
    return { deleted: a.methodId };
  },
});

/** Reads the BLOB file where the op runs (the CLI passes an absolute path; same machine as the server). */
export const passkeysMetadataImportOp = defineOp<z.input<typeof ImportArgs>, MetadataImportResult>({
  name: 'passkeys.metadata.import',
  async run(rt, raw) {
    const { file } = argsOf(ImportArgs, raw);
    if (!isAbsolute(file)) throw badRequest('The metadata file path must be absolute.');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw Object.assign(badRequest(`Cannot read ${file}.`, { reason: 'metadataFileUnreadable' }), { cause });
    }
    if (text.length > MAX_BLOB_BYTES) throw badRequest('The metadata file is too large.', { reason: 'metadataMalformed' });
    return importMetadataBlob(rt.store.db, systemContext(), text);
  },
});

export const passkeysMetadataShowOp = defineOp<Record<string, never>, Awaited<ReturnType<typeof lastMetadataImport>> | null>({
  name: 'passkeys.metadata.show',
  run: async (rt) => (await lastMetadataImport(rt.store.db)) ?? null,
});

export const passkeysAnchorsListOp = defineOp<z.input<typeof Usage>, TrustAnchor[]>({
  name: 'passkeys.anchors.list',
  run: async (rt, raw) => getTrustAnchors(rt.store.db, argsOf(Usage, raw).usage),
});

export const passkeysAnchorsAddOp = defineOp<z.input<typeof AddAnchor>, TrustAnchor>({
  name: 'passkeys.anchors.add',
  run: async (rt, raw) => addTrustAnchor(rt.store.db, systemContext(), argsOf(AddAnchor, raw)),
});

export const passkeysAnchorsRemoveOp = defineOp<z.input<typeof Remove>, { deleted: string }>({
  name: 'passkeys.anchors.remove',
  async run(rt, raw) {
    const { id } = argsOf(Remove, raw);
    await removeTrustAnchor(rt.store.db, systemContext(), id);
    return { deleted: id };
  },
});
