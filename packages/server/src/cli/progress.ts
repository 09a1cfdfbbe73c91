import cliProgress from 'cli-progress';

/** Progress as an operation reports it (done of total so far). */
export type OnProgress = (done: number, total: number) => void;

/**
 * Runs a long CLI operation with a progress bar on stderr. `run` gets the `onProgress` to hand to
 * the operation: undefined when no bar is shown — not a terminal, or --json, so scripts and CI logs
 * get the result alone — and a callback does not cross the control socket anyway (beside a live
 * server the operation just runs). The bar ends however `run` ends. `format` uses cli-progress's
 * `{bar} {value} {total}`, e.g. `'rewrapping secrets [{bar}] {value}/{total}'`.
 */
export async function withProgress<T>(format: string, o: { json?: boolean | undefined }, run: (onProgress: OnProgress | undefined) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY || o.json) return run(undefined);
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  try {
    return await run((done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}
