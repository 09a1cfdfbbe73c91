import cliProgress from 'cli-progress';

export interface Progress {
  /** Pass as the operation's `onProgress`; undefined when no bar is shown (not a terminal, or --json). */
  onProgress?: (done: number, total: number) => void;
  /** Ends the bar if it started; safe to call either way. */
  stop(): void;
}

/**
 * A progress bar on stderr for a long CLI operation run in-process (a callback does not cross the
 * control socket, so beside a live server the operation just runs). Shown only on a terminal and
 * not with --json, so scripts and CI logs get the result alone. `format` uses cli-progress's
 * `{bar} {value} {total}`, e.g. `'rewrapping secrets [{bar}] {value}/{total}'`.
 */
export function progressBar(format: string, o: { json?: boolean | undefined }): Progress {
  if (!process.stderr.isTTY || o.json) return { stop() {} };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    onProgress(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
