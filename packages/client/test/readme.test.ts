import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './snippets/better-auth.js';
import { sessionApi } from './snippets/session-provider.js';
import { stop, visited } from './snippets/states.js';
import { upload } from './snippets/upload.js';
import { channel, workerApi } from './snippets/worker.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippetFolder = new URL('./snippets/', import.meta.url);
const snippets = readdirSync(snippetFolder).map((file) => readFileSync(new URL(file, snippetFolder), 'utf8'));

function typeScriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([^]*?)^```$/gm)].map((match) => match[1] ?? '');
}

afterAll(() => {
  stop();
  channel.close();
  for (const client of [api, sessionApi, workerApi]) client.dispose();
});

// No test here sends a request: the snippets name example.com hosts, which tests never contact.
describe('README', () => {
  it.each(typeScriptBlocks(readme).map((block) => [block.split('\n')[0], block] as const))('ts block "%s" is a snippet', (_first, block) => {
    expect(snippets.some((snippet) => snippet.includes(block))).toBe(true);
  });

  it('has five TypeScript blocks', () => {
    expect(typeScriptBlocks(readme)).toHaveLength(5);
  });

  it('snippet clients start signed out', () => {
    expect(api.state).toBe('signed_out');
    expect(sessionApi.state).toBe('signed_out');
    expect(workerApi.state).toBe('signed_out');
    expect(visited).toEqual([]);
    expect(typeof upload).toBe('function');
  });
});
