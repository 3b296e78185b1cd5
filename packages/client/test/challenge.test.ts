import { describe, expect, it } from 'vitest';
import { parseBearerChallenge } from '@latchkey/client';
import { retryAfterMs } from '../src/classify.js';
import { parseChallenges } from '../src/challenge.js';

describe('parseBearerChallenge', () => {
  it.each([
    ['core 401', 'Bearer realm="api", error="invalid_token", error_description="The token has expired"', { realm: 'api', error: 'invalid_token', errorDescription: 'The token has expired' }],
    ['bare challenge', 'Bearer realm="api"', { realm: 'api' }],
    ['scheme only', 'Bearer', {}],
    ['lower-case scheme', 'bearer error="invalid_token"', { error: 'invalid_token' }],
    ['upper-case names', 'BEARER ERROR="invalid_token", Realm="api"', { error: 'invalid_token', realm: 'api' }],
    ['unquoted value', 'Bearer error=invalid_token', { error: 'invalid_token' }],
    ['spaces around =', 'Bearer error = "invalid_token"', { error: 'invalid_token' }],
    ['escaped quote', 'Bearer realm="a \\"b\\" c"', { realm: 'a "b" c' }],
    ['comma inside quotes', 'Bearer error_description="one, two", error="invalid_token"', { errorDescription: 'one, two', error: 'invalid_token' }],
    ['after another scheme', 'Basic realm="x", Bearer error="insufficient_scope", scope="write:items"', { error: 'insufficient_scope', scope: 'write:items' }],
    ['before another scheme', 'Bearer error="invalid_token", DPoP algs="ES256"', { error: 'invalid_token' }],
    ['repeated parameter', 'Bearer error="invalid_token", error="insufficient_scope"', { error: 'invalid_token' }],
  ])('%s', (_name, header, expected) => {
    expect(parseBearerChallenge(header)).toEqual(expected);
  });

  it.each([
    ['missing header', null],
    ['other scheme', 'Basic realm="x"'],
    ['scheme as prefix', 'Bearerish error="invalid_token"'],
    ['empty', ''],
  ])('%s has none', (_name, header) => {
    expect(parseBearerChallenge(header)).toBeUndefined();
  });

  it('skips an unclosed quote', () => {
    expect(parseBearerChallenge('Bearer realm="api", error="invalid_token')).toEqual({ realm: 'api' });
  });
});

describe('parseChallenges', () => {
  it('reads token68 credentials', () => {
    expect(parseChallenges('Negotiate abc+/==, Bearer realm="api"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/==' },
      { scheme: 'bearer', params: { realm: 'api' } },
    ]);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2023-11-14T22:13:20Z');

  it.each([
    ['delay seconds', { 'retry-after': '2' }, 2000],
    ['zero', { 'retry-after': '0' }, 0],
    ['date against Date header', { 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT', date: 'Wed, 21 Oct 2015 07:28:00 GMT' }, 5000],
    ['date without Date header', { 'retry-after': 'Tue, 14 Nov 2023 22:13:30 GMT' }, 10_000],
    ['date in the past', { 'retry-after': 'Tue, 14 Nov 2023 22:00:00 GMT' }, 0],
  ])('%s', (_name, headers, expected) => {
    expect(retryAfterMs(new Response(null, { status: 503, headers }), now)).toBe(expected);
  });

  it.each([['missing', {}], ['negative', { 'retry-after': '-1' }], ['fraction', { 'retry-after': '1.5' }], ['garbage', { 'retry-after': 'soon' }]])('%s is undefined', (_name, headers) => {
    expect(retryAfterMs(new Response(null, { status: 503, headers }), now)).toBeUndefined();
  });
});
