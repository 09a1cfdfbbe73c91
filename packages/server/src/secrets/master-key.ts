import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface MasterKeySource {
  key: Buffer;
  /** 'env' when LATCHKEY_MASTER_KEY supplied it; 'file' when read from or generated into the data dir. */
  origin: 'env' | 'file' | 'generated';
  path?: string;
}

/** Parses a 32-byte key written as base64, base64url or hex. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new Error('LATCHKEY_MASTER_KEY must be 32 bytes, written as base64 or 64 hex digits');
  return buf;
}

/**
 * The master key: from LATCHKEY_MASTER_KEY, else `<dataDir>/master.key` (created 0600 on first
 * use). A key file readable by group or others is refused.
 */
export function loadMasterKey(masterKey: string | undefined, dataDir: string): MasterKeySource {
  if (masterKey) return { key: parseMasterKey(masterKey), origin: 'env' };
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new Error(`${path} has permissions ${mode.toString(8)}; it must be 600 (chmod 600 ${path})`);
    return { key: parseMasterKey(readFileSync(path, 'utf8')), origin: 'file', path };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, origin: 'generated', path };
}
