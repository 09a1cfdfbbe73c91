// Builds the web console once when packages/web/dist is missing or older than its sources,
// so `npm start` and `npm test` work right after `npm install`.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const web = new URL('../packages/web/', import.meta.url).pathname;
const dist = join(web, 'dist', 'index.html');
const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
if (!existsSync(join(web, 'src'))) process.exit(0);
const inputs = [newest(join(web, 'src')), ...['index.html', 'vite.config.ts', 'package.json'].map((f) => (existsSync(join(web, f)) ? statSync(join(web, f)).mtimeMs : 0))];
const stale = !existsSync(dist) || Math.max(...inputs) > statSync(dist).mtimeMs;
if (stale) {
  process.stderr.write('building the web console (packages/web)…\n');
  const r = spawnSync('npm', ['run', 'build', '-w', '@latchkey/web'], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.exit(r.status ?? 1);
}
