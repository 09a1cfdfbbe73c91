import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real `latchkey` executable. */
export const BIN = fileURLToPath(new URL('../../bin/latchkey.mjs', import.meta.url));

/**
 * Runs the real CLI in a child process with only PATH, HOME and `env` set; never rejects,
 * resolves with the exit code and output.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
