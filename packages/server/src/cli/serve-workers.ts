import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/load.ts';
import type { Logger } from 'pino';

/**
 * `latchkey serve` with LATCHKEY_WORKERS > 1 (ADR 0016): this process forks that many server
 * processes, which share the port through node:cluster, and only supervises them. Each worker is
 * an ordinary node: its caches, Conditional Access and rate limits already hold across nodes
 * through PostgreSQL (ADR 0011, 0013, 0015).
 *
 * Worker 1 starts alone and runs the start-up work that must happen once (migrations, the first
 * administrator, the first-start pass it prints, the housekeeping jobs); the others start when
 * it is ready. A worker that dies is started again after a pause that grows while it keeps
 * dying; SIGINT/SIGTERM stop them all and then this process.
 */
export const WORKER_INDEX_ENV = 'LATCHKEY_WORKER_INDEX';
export const READY_MESSAGE = 'latchkey:ready';

/** Which worker this process is (1 when not forked by a supervisor). */
export const workerIndex = (): number => Number(process.env[WORKER_INDEX_ENV] ?? 1) || 1;

/** Tells the supervisor (if any) that this worker serves. */
export function announceReady(): void {
  if (cluster.isWorker) process.send?.({ type: READY_MESSAGE });
}

export async function superviseWorkers(config: Config, logger: Logger): Promise<void> {
  const count = config.workers;
  const byIndex = new Map<number, Worker>();
  const failures = new Map<number, number>();
  let stopping = false;
  let started = false; // the first start is all or nothing; after it, a worker that dies is started again

  const fork = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
      byIndex.set(index, worker);
      let ready = false;
      worker.on('message', (m: { type?: string }) => {
        if (m?.type !== READY_MESSAGE) return;
        ready = true;
        failures.set(index, 0);
        resolve();
      });
      worker.on('exit', (code, signal) => {
        byIndex.delete(index);
        if (!ready) reject(new Error(`worker ${index} stopped before it was ready (exit code ${code ?? signal})`));
        if (stopping || !started) return;
        const n = (failures.get(index) ?? 0) + 1;
        failures.set(index, n);
        const delayMs = Math.min(30_000, 500 * 2 ** (n - 1));
        logger.error({ worker: index, code, signal, restartInMs: delayMs }, 'a server worker stopped; starting it again');
        setTimeout(() => {
          if (!stopping) fork(index).catch((err: Error) => logger.error({ worker: index, err: err.message }, 'a restarted worker stopped before it was ready'));
        }, delayMs);
      });
    });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: byIndex.size }, 'stopping the server workers');
    for (const w of byIndex.values()) w.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const w of byIndex.values()) w.process.kill('SIGKILL');
    }, 10_000);
    deadline.unref();
    cluster.on('exit', () => {
      if (byIndex.size === 0) process.exit(0);
    });
    if (byIndex.size === 0) process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    await fork(1);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 2)));
    started = true;
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'the server workers did not start');
    stop('SIGTERM');
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`  ${count} server processes share port ${config.port} (LATCHKEY_WORKERS; supervisor pid ${process.pid}).\n`);
}
