import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

const readText = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

const readme = readText('../README.md');
const sources = [readText('../src/app.ts'), readText('../src/server.ts')];
const examplePackage = JSON.parse(readText('../package.json')) as { scripts: Record<string, string> };
const rootPackage = JSON.parse(readText('../../../package.json')) as { scripts: Record<string, string> };

interface CodeBlock {
  language: string;
  lines: string[];
}

function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([^]*?)^```$/gm)].map((match) => ({
    language: match[1] ?? '',
    lines: (match[2] ?? '').trimEnd().split('\n'),
  }));
}

/** Reads `NAME=value` lines of a shell block that sets variables for its last command. */
function environmentOf(block: CodeBlock): Record<string, string> {
  const assignments = block.lines.slice(0, -1).map((line) => /^(\w+)=(\S+) \\$/.exec(line));
  return Object.fromEntries(assignments.map((match) => [match?.[1] ?? '', match?.[2] ?? '']));
}

const blocks = codeBlocks(readme);
const typeScriptBlocks = blocks.filter((block) => block.language === 'ts');
const shellBlocks = blocks.filter((block) => block.language === 'sh');

describe('README code blocks', () => {
  it('are all ts or sh', () => {
    expect(blocks.map((block) => block.language).filter((language) => language !== 'ts' && language !== 'sh')).toEqual([]);
  });

  it.each(typeScriptBlocks.map((block) => [block.lines[0], block] as const))('ts block "%s" is copied from src', (_first, block) => {
    expect(sources.some((source) => source.includes(block.lines.join('\n')))).toBe(true);
  });

  it('sh blocks are the three documented ones', () => {
    expect(shellBlocks.map((block) => block.lines.at(-1))).toEqual(['pnpm demo', 'pnpm start', 'pnpm vitest run --project examples']);
  });

  it('pnpm demo runs scripts/demo.ts', () => {
    expect(shellBlocks[0]?.lines).toEqual(['pnpm install', 'pnpm demo']);
    expect(rootPackage.scripts['demo']).toMatch(/\btsx scripts\/demo\.ts$/);
  });

  it('pnpm start sets the variables server.ts requires', () => {
    const block = shellBlocks[1];
    if (block === undefined) throw new Error('README has no "pnpm start" block.');
    const env = environmentOf(block);

    expect(examplePackage.scripts['start']).toBe('tsx src/server.ts');
    expect(Object.keys(env)).toEqual(['ISSUER', 'AUDIENCE', 'JWKS_URI']);
    expect(() => createApp({ issuer: env['ISSUER'] ?? '', audience: env['AUDIENCE'] ?? '', jwksUri: env['JWKS_URI'] ?? '' })).not.toThrow();
  });

  it('test command runs these tests', ({ task }) => {
    expect(shellBlocks[2]?.lines).toEqual(['pnpm vitest run --project examples']);
    expect(task.file.projectName).toBe('examples');
  });
});
