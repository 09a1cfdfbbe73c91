import type { Config } from '../config/load.ts';
import { openRuntime } from '../runtime.ts';
import { createLogger } from '../logger.ts';
import { acquireLock, callControl, readLiveLock } from './control.ts';
import { findOp } from './ops.ts';

/**
 * Runs a CLI operation where it is safe: in this process when it can open the store (PostgreSQL
 * always; the embedded database when no server holds it), otherwise inside the live server over
 * its control socket.
 */
export async function invoke<R = unknown>(config: Config, name: string, args: Record<string, unknown> = {}): Promise<R> {
  const op = findOp(name);
  if (!op) throw new Error(`unknown operation ${name}`);
  if (!config.databaseUrl) {
    const holder = readLiveLock(config.dataDir);
    if (holder) {
      if (!holder.socket) throw new Error(`Another Latchkey command (pid ${holder.pid}) is using the embedded database; try again when it ends.`);
      return (await callControl(holder.socket, name, args)) as R;
    }
  }
  const release = config.databaseUrl ? () => {} : acquireLock(config.dataDir, null);
  const logger = createLogger(process.env.LATCHKEY_CLI_LOG_LEVEL ?? 'warn', { write: (s: string) => process.stderr.write(s) } as never);
  try {
    const rt = await openRuntime(config, logger);
    try {
      return (await op.run(rt, args)) as R;
    } finally {
      await rt.close();
    }
  } finally {
    release();
  }
}
