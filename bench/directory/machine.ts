import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a result came from: date, cores, CPU model, memory, Node and PostgreSQL versions. */
export async function machineLines(): Promise<string[]> {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const model = /Model name:\s*(.+)/.exec(sh('lscpu', []))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const pgBin = sh('pg_config', ['--bindir']);
  const pgVersion = pgBin === 'unknown' ? 'unknown' : sh(`${pgBin}/postgres`, ['--version']);
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${sh('nproc', [])} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, shared with other work`,
    `- Node ${process.version}; ${pgVersion}`,
    `- load average at the end of the run (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} on ${cpus().length} cores`,
  ];
}
