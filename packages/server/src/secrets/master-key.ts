import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface MasterKeySource {
  key: Buffer;
  /** Previous master keys (LATCHKEY_PREVIOUS_MASTER_KEYS): secrets sealed with them still open; nothing new is sealed with them (ADR 0020). */
  previous: Buffer[];
  /** 'env' when LATCHKEY_MASTER_KEY supplied it; 'file' when read from or generated into the data dir. */
  origin: 'env' | 'file' | 'generated';
  path?: string;
}

export const MASTER_KEY_FORMAT = 'LATCHKEY_MASTER_KEY must be 32 random bytes written as base64 (44 characters, e.g. `openssl rand -base64 32`) or 64 hex digits';

/**
 * Parses a 32-byte key written as base64, base64url or hex. Strict: Node's base64 decoder skips
 * characters it does not know, so the alphabet is checked first. The message never echoes the value.
 */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) throw new MasterKeyError(`${MASTER_KEY_FORMAT} (found characters outside base64)`);
  const buf = Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new MasterKeyError(`${MASTER_KEY_FORMAT} (it decodes to ${buf.length} bytes)`);
  return buf;
}

/**
 * LATCHKEY_PREVIOUS_MASTER_KEYS: master keys in the same format, separated by commas (spaces
 * allowed). The message names a bad key by its position, never by its value.
 */
export function parsePreviousMasterKeys(text: string | undefined): Buffer[] {
  if (!text?.trim()) return [];
  return text.split(',').map((part, i) => {
    try {
      return parseMasterKey(part);
    } catch (err) {
      throw new MasterKeyError(`LATCHKEY_PREVIOUS_MASTER_KEYS: key ${i + 1} is not valid: ${(err as Error).message.replace(/^LATCHKEY_MASTER_KEY must be/, 'each key must be')}`);
    }
  });
}

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/**
 * The master key: from LATCHKEY_MASTER_KEY, else `<dataDir>/master.key` (created 0600 on first
 * use). A key file readable by group or others is refused.
 */
export function loadMasterKey(masterKey: string | undefined, dataDir: string, previousMasterKeys?: string): MasterKeySource {
  const previous = parsePreviousMasterKeys(previousMasterKeys);
  if (masterKey) return { key: parseMasterKey(masterKey), previous, origin: 'env' };
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new MasterKeyError(`${path} has permissions ${mode.toString(8)}; it must be 600 (chmod 600 ${path})`);
    try {
      return { key: parseMasterKey(readFileSync(path, 'utf8')), previous, origin: 'file', path };
    } catch (err) {
      throw new MasterKeyError(`${path} does not hold a valid master key: ${(err as Error).message}`);
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, previous, origin: 'generated', path };
}
