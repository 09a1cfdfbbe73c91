#!/usr/bin/env node
// Latchkey CLI entry. Node 24 (and 22.18+) runs TypeScript natively by stripping types; older
// 22.x needs the flag, so re-launch with it when the running Node lacks native support.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`Latchkey needs Node.js 22.12 or newer (24 recommended); this is ${process.version}.\n`);
  process.exit(1);
}
if (!process.features?.typescript) {
  const r = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const { runCli } = await import('../src/cli/main.ts');
const code = await runCli(process.argv.slice(2));
if (process.argv[2] !== 'serve') process.exit(code);
else if (code !== 0) process.exit(code);
