import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTableMarkdown } from '../../src/config/load.ts';
import { OPTIONS } from '../../src/config/defaults.ts';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the configuration table generated from the defaults module (npm run docs:config)', () => {
    expect(readme).toContain(configTableMarkdown());
  });

  it('documents every contract variable', () => {
    for (const name of ['LATCHKEY_HOST', 'LATCHKEY_PORT', 'LATCHKEY_PUBLIC_URL', 'LATCHKEY_DATA_DIR', 'LATCHKEY_DATABASE_URL', 'LATCHKEY_MASTER_KEY']) {
      expect(OPTIONS.some((o) => o.env === name)).toBe(true);
      expect(readme).toContain(`\`${name}\``);
    }
  });

  it('names the two quick-start commands and the test command', () => {
    expect(readme).toMatch(/npm install\nnpm start/);
    expect(readme).toMatch(/```sh\nnpm test\n```/);
  });
});
