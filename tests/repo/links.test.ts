import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 23 item 11: nothing a user reads points outside the repository, and every relative link
// in the README and docs/ leads to a file a clone has.

const readable = ['README.md', ...fs.readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];

describe('what users read stays in the repository', () => {
  it('the design and API documents exist', () => {
    expect(readable).toEqual(expect.arrayContaining(['docs/design.md', 'docs/api.md']));
  });

  it.each(readable)('%s: no ../shared, every relative link resolves', (file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/\.\.\/shared|shared\/(DESIGN|API)\.md/);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^(https?:|mailto:|#)/.test(l));
    for (const link of links) {
      const target = path.resolve(path.dirname(file), link.split('#')[0]!);
      expect(target.startsWith(process.cwd()), `${file}: ${link} leaves the repository`).toBe(true);
      expect(fs.existsSync(target), `${file}: ${link} does not exist`).toBe(true);
    }
  });
});
