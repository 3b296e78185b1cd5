import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@latchkey/core';
import { canonicalPath } from '../src/canonical-path.js';
import { compilePathPatterns } from '../src/paths.js';
import { isDocumentRequest } from '../src/request-kind.js';

describe('canonicalPath', () => {
  it.each([
    ['/dashboard', '/dashboard'],
    ['/dashboard/', '/dashboard'],
    ['//dashboard//', '/dashboard'],
    ['/d%61shboard', '/dashboard'],
    ['/dashboard.rsc', '/dashboard'],
    ['/dashboard.prefetch.rsc', '/dashboard'],
    ['/dashboard.segments/dashboard/__PAGE__.segment.rsc', '/dashboard'],
    ['/index.rsc', '/'],
    ['/index.segments/_index.segment.rsc', '/'],
    ['/_next/data/build-1/dashboard.json', '/dashboard'],
    ['/_next/data/build-1/index.json', '/'],
    ['/_next/data/build-1/fr/dashboard.json', '/dashboard'],
    ['/fr/dashboard', '/dashboard'],
    ['/users/jane.doe', '/users/jane.doe'],
    ['/users/report.csv', '/users/report.csv'],
    ['/_nextfoo', '/_nextfoo'],
  ])('maps %s to %s', (raw, expected) => {
    expect(canonicalPath(raw, ['en', 'fr'])).toEqual({ pathname: expected, unusual: false });
  });

  it.each([['/a%2Fb'], ['/a%5Cb'], ['/%2e%2e/admin'], ['/%E0%A4%A']])('marks %s as unusual', (raw) => {
    expect(canonicalPath(raw, []).unusual).toBe(true);
  });

  it('keeps a locale-looking segment without locales', () => {
    expect(canonicalPath('/fr/dashboard', []).pathname).toBe('/fr/dashboard');
  });
});

describe('compilePathPatterns', () => {
  const test = compilePathPatterns('publicPaths', ['/', '/docs/*', '/sign-in/', /^\/blog\/\d+$/], []);

  it.each([
    ['/', true],
    ['/docs', true],
    ['/docs/a/b', true],
    ['/docsx', false],
    ['/sign-in', true],
    ['/blog/12', true],
    ['/blog/x', false],
    ['/dashboard', false],
  ])('matches %s: %s', (pathname, expected) => {
    expect(test(pathname)).toBe(expected);
  });

  it.each([['docs'], ['/docs*'], ['/a?b'], [/x/g], [42]])('rejects the pattern %s', (pattern) => {
    expect(() => compilePathPatterns('publicPaths', [pattern as string], [])).toThrow(ConfigurationError);
  });

  it('matches every path with /*', () => {
    expect(compilePathPatterns('apiPaths', ['/*'], [])('/anything/below')).toBe(true);
  });
});

describe('isDocumentRequest', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('recognises a navigation by Fetch Metadata', () => {
    expect(isDocumentRequest('GET', headers({ 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }))).toBe(true);
    expect(isDocumentRequest('GET', headers({ 'sec-fetch-dest': 'iframe' }))).toBe(true);
  });

  it('falls back to Accept without Fetch Metadata', () => {
    expect(isDocumentRequest('GET', headers({ accept: 'text/html,application/xhtml+xml;q=0.9' }))).toBe(true);
    expect(isDocumentRequest('GET', headers({ accept: 'application/json' }))).toBe(false);
    expect(isDocumentRequest('GET', headers({}))).toBe(false);
  });

  it('rejects fetches, posts and Next.js transport requests', () => {
    expect(isDocumentRequest('GET', headers({ 'sec-fetch-mode': 'cors', accept: 'text/html' }))).toBe(false);
    expect(isDocumentRequest('POST', headers({ 'sec-fetch-mode': 'navigate' }))).toBe(false);
    for (const name of ['rsc', 'next-action', 'next-router-prefetch', 'next-router-segment-prefetch', 'next-router-state-tree', 'next-url']) {
      expect(isDocumentRequest('GET', headers({ [name]: '1', 'sec-fetch-mode': 'navigate' })), name).toBe(false);
    }
  });
});
