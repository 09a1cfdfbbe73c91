import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { ApiError, badRequest } from '../../errors.ts';
import { importHardwareTokens, MAX_IMPORT_BYTES, type ImportProgress, type ImportResult } from '../../methods/oath/importHardwareTokens.ts';
import { assignDevice, getDevice, listDevices, unassignDevice } from '../../methods/oath/devices.ts';
import { findTokenBySerial } from '../../methods/oath/repository.ts';
import type { HardwareOathDevice } from '../../methods/oath/shapes.ts';
import type { Runtime } from '../../runtime.ts';

/**
 * CLI operations for hardware OATH tokens (`latchkey tokens …`, see tokens.ts). They run in-process
 * or inside the live server through the control socket, as the system actor, audited like the API.
 */
function argsOf<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ApiError(
      'Request_BadRequest',
      `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

const ImportArgs = z.object({
  file: z.string().min(1).max(4096),
  format: z.enum(['csv', 'pskc']).optional(),
  psk: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'the pre-shared key must be 32 hex digits (AES-128)')
    .optional(),
  partial: z.boolean().optional(),
});
const ListArgs = z.object({ top: z.number().int().min(1).max(100_000).default(100) });
const TokenArgs = z.object({ token: z.string().min(1).max(64) });
const AssignArgs = TokenArgs.extend({ user: z.string().min(1).max(320) });

export type TokensImportArgs = z.input<typeof ImportArgs> & {
  /** In-process only (a function does not cross the control socket): progress for the CLI bar. */
  onProgress?: (p: ImportProgress) => void;
};

/** A token by id or serial number. */
async function tokenId(rt: Runtime, key: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key)) return key;
  const row = await findTokenBySerial(rt.store.db, key);
  if (!row || row.kind !== 'hardware') throw new ApiError('Request_ResourceNotFound', `No hardware token with serial number ${key}.`);
  return row.id;
}

/** Reads the file where the op runs (the CLI passes an absolute path; same machine as the server). */
export const tokensImportOp = defineOp<TokensImportArgs, ImportResult>({
  name: 'tokens.import',
  async run(rt, raw) {
    const onProgress = typeof raw?.onProgress === 'function' ? raw.onProgress : undefined;
    const a = argsOf(ImportArgs, { ...raw, onProgress: undefined });
    if (!isAbsolute(a.file)) throw badRequest('The token file path must be absolute.');
    let text: string;
    try {
      text = await readFile(a.file, 'utf8');
    } catch (cause) {
      throw Object.assign(badRequest(`Cannot read ${a.file}.`), { cause });
    }
    if (text.length > MAX_IMPORT_BYTES) throw new ApiError('Request_EntityTooLarge', 'The token file is too large.');
    return importHardwareTokens({ db: rt.store.db, envelope: rt.envelope }, systemContext(), text, {
      ...(a.format ? { format: a.format } : {}),
      ...(a.psk ? { preSharedKey: Buffer.from(a.psk, 'hex') } : {}),
      partial: a.partial ?? false,
      onProgress,
    });
  },
});

export const tokensListOp = defineOp<z.input<typeof ListArgs>, HardwareOathDevice[]>({
  name: 'tokens.list',
  run: async (rt, raw) => (await listDevices(rt.store.db, { top: argsOf(ListArgs, raw).top })).value,
});

export const tokensAssignOp = defineOp<z.input<typeof AssignArgs>, HardwareOathDevice>({
  name: 'tokens.assign',
  async run(rt, raw) {
    const a = argsOf(AssignArgs, raw);
    return assignDevice(rt.store.db, systemContext(), await tokenId(rt, a.token), a.user);
  },
});

export const tokensUnassignOp = defineOp<z.input<typeof TokenArgs>, HardwareOathDevice>({
  name: 'tokens.unassign',
  async run(rt, raw) {
    const id = await tokenId(rt, argsOf(TokenArgs, raw).token);
    await unassignDevice(rt.store.db, systemContext(), id);
    return getDevice(rt.store.db, id);
  },
});
