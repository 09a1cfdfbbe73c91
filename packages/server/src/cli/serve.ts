import type { Config } from '../config/load.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../server.ts';
import { passwordlessFirstStart } from '../methods/tap/first-start.ts';
import cluster from 'node:cluster';
import { announceReady, superviseWorkers, workerIndex } from './serve-workers.ts';

/**
 * `latchkey serve`: start, print how to get in, stop cleanly on SIGINT/SIGTERM. With
 * LATCHKEY_WORKERS > 1 this process supervises that many server processes (serve-workers.ts);
 * the first of them prints the banner.
 */
export async function serveCommand(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config, logger);
  const first = workerIndex() === 1;
  const server = await startServer(config, { logger, backgroundJobs: first });
  announceReady();
  if (!first) {
    stopOnSignals(logger, server.close);
    return;
  }
  const consoleUrl = `${config.publicUrl.origin}/admin`;
  const onboarding = await passwordlessFirstStart(server.runtime.store.db, server.bootstrap); // issue 4 item 9, ADR 0009
  const lines = [
    '',
    `  Latchkey is running: ${server.url}  (public URL ${config.publicUrl.origin}, ${server.runtime.store.kind} database)`,
    `  Console:             ${consoleUrl}`,
    server.bootstrap.created
      ? `  First administrator: ${server.bootstrap.userPrincipalName} (Global Administrator) was created.`
      : `  Administrator:       ${server.bootstrap.userPrincipalName}`,
    ...(onboarding ? [`  Sign in:             ${config.publicUrl.origin}/my as ${onboarding.userPrincipalName}`, `  Temporary Access Pass: ${onboarding.temporaryAccessPass}   (one-time, valid until ${onboarding.endDateTime})`, `                       Enter it on the sign-in page, then register your passkey. Restart to print a new pass.`] : []),
    `  Get in:              run \`npx latchkey admin token\` in another terminal and paste the token on the console's sign-in page.`,
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
  stopOnSignals(logger, server.close);
}

function stopOnSignals(logger: ReturnType<typeof createLogger>, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
