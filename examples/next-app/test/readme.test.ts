import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const exampleRoot = fileURLToPath(new URL('..', import.meta.url));
const readmes = [join(exampleRoot, 'README.md'), join(exampleRoot, '..', '..', 'packages', 'next', 'README.md')];

/** Reads every source file of the example, which `next build` type-checks and the end-to-end test runs. */
function exampleSources(): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) readdirSync(path).forEach((name) => visit(join(path, name)));
    else if (/\.tsx?$/.test(path)) files.push(readFileSync(path, 'utf8'));
  };
  ['app', 'lib', 'proxy.ts', 'variants'].forEach((name) => visit(join(exampleRoot, name)));
  return files;
}

/** TypeScript blocks of three lines or more; shorter ones are fragments inside prose. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```tsx?\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').filter((block) => block.trim().split('\n').length >= 3);
}

describe('README code blocks', () => {
  const sources = exampleSources();

  it.each(readmes.flatMap((readme) => codeBlocks(readFileSync(readme, 'utf8')).map((block, index) => [readme.replace(exampleRoot, ''), index + 1, block] as const)))(
    '%s block %i is a file of the example',
    (_readme, _index, block) => {
      expect(sources.some((source) => source.includes(block.trim()))).toBe(true);
    },
  );
});
