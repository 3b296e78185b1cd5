import { request as httpRequest } from 'node:http';

import type { TokenPreset } from './token-presets.js';

/** Names of the tokens the conformance setup signs besides the presets, each with one defect or variation. */
export const extraConformanceTokens = [
  'oversized',
  'algNoneCapitalized',
  'missingIssuer',
  'missingAudience',
  'audienceList',
  'audienceNested',
  'expirationString',
  'payloadArray',
  'duplicateClaim',
  'critUnknown',
  'embeddedKey',
  'scopeSuperstring',
  'scopeUppercase',
  'scopeTwoSpaces',
  'scopeArray',
] as const;

/** Tokens a row can send: every preset, plus the extra tokens. */
export type ConformanceTokens = Readonly<Record<TokenPreset | (typeof extraConformanceTokens)[number], string>>;

/** The routes every adapter's conformance app exposes. */
export type ConformancePath = '/public' | '/protected' | '/scoped';

/**
 * One request and the exact response every adapter must give. Apps under test protect
 * `/protected` with authentication, `/scoped` with authentication plus the scope
 * `write:items`, leave `/public` open, use the default realm "api", and answer 200 with a
 * JSON body on success.
 */
export interface ConformanceRow {
  name: string;
  path: ConformancePath;
  /** `unavailable` sends the request to an app whose JWKS endpoint refuses connections. */
  keySource?: 'available' | 'unavailable';
  /** Header lines to send; a name given twice is sent as two lines. */
  headers(tokens: ConformanceTokens): ReadonlyArray<readonly [string, string]>;
  expected: {
    status: number;
    /** The whole `WWW-Authenticate` value, or null when the header must be absent. */
    wwwAuthenticate: string | null;
    /** The problem body's `code`, or null for a success. */
    code: string | null;
    /** Whether `Retry-After` must be present with a positive number of seconds. */
    retryAfter?: boolean;
  };
}

const BARE = 'Bearer realm="api"';

function invalidRequest(description: string): string {
  return `Bearer realm="api", error="invalid_request", error_description="${description}"`;
}

function invalidToken(description: string): string {
  return `Bearer realm="api", error="invalid_token", error_description="${description}"`;
}

const bearer = (token: string) => [['authorization', `Bearer ${token}`]] as const;

const success = { status: 200, wwwAuthenticate: null, code: null } as const;

const INSUFFICIENT_SCOPE =
  'Bearer realm="api", error="insufficient_scope", error_description="The token lacks a scope this resource requires", scope="write:items"';

/** The contract every adapter must meet, row for row. */
export const conformanceTable: readonly ConformanceRow[] = [
  {
    name: 'no credentials',
    path: '/protected',
    headers: () => [],
    expected: { status: 401, wwwAuthenticate: BARE, code: 'credentials_missing' },
  },
  {
    name: 'Basic scheme',
    path: '/protected',
    headers: () => [['authorization', 'Basic dXNlcjpwYXNz']],
    expected: { status: 401, wwwAuthenticate: BARE, code: 'credentials_missing' },
  },
  {
    name: 'Token scheme',
    path: '/protected',
    headers: (tokens) => [['authorization', `Token ${tokens.valid}`]],
    expected: { status: 401, wwwAuthenticate: BARE, code: 'credentials_missing' },
  },
  {
    name: 'token without a scheme',
    path: '/protected',
    headers: (tokens) => [['authorization', tokens.valid]],
    expected: { status: 401, wwwAuthenticate: BARE, code: 'credentials_missing' },
  },
  {
    name: 'Bearer without a token',
    path: '/protected',
    headers: () => [['authorization', 'Bearer']],
    expected: { status: 400, wwwAuthenticate: invalidRequest('The Authorization header has no token after Bearer'), code: 'credentials_malformed' },
  },
  {
    name: 'tab after Bearer',
    path: '/protected',
    headers: (tokens) => [['authorization', `Bearer\t${tokens.valid}`]],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must separate Bearer and the token with a space'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'two tokens in one header',
    path: '/protected',
    headers: (tokens) => [['authorization', `Bearer ${tokens.valid} ${tokens.valid}`]],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must contain exactly one token after Bearer'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'long whitespace run',
    path: '/protected',
    headers: () => [['authorization', `Bearer${' '.repeat(8000)}x y`]],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must contain exactly one token after Bearer'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'two Authorization headers',
    path: '/protected',
    headers: (tokens) => [
      ['authorization', `Bearer ${tokens.valid}`],
      ['authorization', `Bearer ${tokens.valid}`],
    ],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The request carries more than one token; send exactly one'),
      code: 'credentials_multiple',
    },
  },
  { name: 'valid token', path: '/protected', headers: (tokens) => bearer(tokens.valid), expected: success },
  { name: 'lower-case scheme', path: '/protected', headers: (tokens) => [['authorization', `bearer ${tokens.valid}`]], expected: success },
  { name: 'two spaces after Bearer', path: '/protected', headers: (tokens) => [['authorization', `Bearer  ${tokens.valid}`]], expected: success },
  {
    name: 'expired token',
    path: '/protected',
    headers: (tokens) => bearer(tokens.expired),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token has expired'), code: 'token_expired' },
  },
  {
    name: 'token not valid yet',
    path: '/protected',
    headers: (tokens) => bearer(tokens.notYetValid),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token is not valid yet'), code: 'token_not_yet_valid' },
  },
  {
    name: 'wrong issuer',
    path: '/protected',
    headers: (tokens) => bearer(tokens.wrongIssuer),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token issuer is not accepted'), code: 'issuer_invalid' },
  },
  {
    name: 'wrong audience',
    path: '/protected',
    headers: (tokens) => bearer(tokens.wrongAudience),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token audience is not accepted'), code: 'audience_invalid' },
  },
  {
    name: 'unknown key id',
    path: '/protected',
    headers: (tokens) => bearer(tokens.unknownKid),
    expected: { status: 401, wwwAuthenticate: invalidToken('No signing key matches the token key id'), code: 'key_not_found' },
  },
  {
    name: 'alg none',
    path: '/protected',
    headers: (tokens) => bearer(tokens.algNone),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token algorithm is not allowed'), code: 'algorithm_not_allowed' },
  },
  {
    name: 'HS256 signed with the public key',
    path: '/protected',
    headers: (tokens) => bearer(tokens.hs256),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token algorithm is not allowed'), code: 'algorithm_not_allowed' },
  },
  {
    name: 'tampered payload',
    path: '/protected',
    headers: (tokens) => bearer(tokens.tampered),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token signature is invalid'), code: 'signature_invalid' },
  },
  {
    name: 'missing exp',
    path: '/protected',
    headers: (tokens) => bearer(tokens.missingExp),
    expected: { status: 401, wwwAuthenticate: invalidToken('The exp claim is missing'), code: 'claim_invalid' },
  },
  {
    name: 'not a JWT',
    path: '/protected',
    headers: () => bearer('abc.def'),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token is malformed'), code: 'token_malformed' },
  },
  {
    name: 'token over 8192 characters',
    path: '/protected',
    headers: (tokens) => bearer(tokens.oversized),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token is longer than 8192 characters'), code: 'token_too_large' },
  },
  {
    name: 'missing scope',
    path: '/scoped',
    headers: (tokens) => bearer(tokens.valid),
    expected: {
      status: 403,
      wwwAuthenticate: INSUFFICIENT_SCOPE,
      code: 'scope_insufficient',
    },
  },
  { name: 'granted scope', path: '/scoped', headers: (tokens) => bearer(tokens.withWriteScope), expected: success },
  {
    name: 'scoped route without credentials',
    path: '/scoped',
    headers: () => [],
    expected: { status: 401, wwwAuthenticate: BARE, code: 'credentials_missing' },
  },
  {
    name: 'scoped route with a bad token',
    path: '/scoped',
    headers: (tokens) => bearer(tokens.expired),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token has expired'), code: 'token_expired' },
  },
  { name: 'public route without credentials', path: '/public', headers: () => [], expected: success },
  {
    name: 'alg None in another case',
    path: '/protected',
    headers: (tokens) => bearer(tokens.algNoneCapitalized),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token algorithm is not allowed'), code: 'algorithm_not_allowed' },
  },
  {
    name: 'missing iss',
    path: '/protected',
    headers: (tokens) => bearer(tokens.missingIssuer),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token issuer is not accepted'), code: 'issuer_invalid' },
  },
  {
    name: 'missing aud',
    path: '/protected',
    headers: (tokens) => bearer(tokens.missingAudience),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token audience is not accepted'), code: 'audience_invalid' },
  },
  { name: 'aud list with the audience', path: '/protected', headers: (tokens) => bearer(tokens.audienceList), expected: success },
  {
    name: 'aud nested in an array',
    path: '/protected',
    headers: (tokens) => bearer(tokens.audienceNested),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token audience is not accepted'), code: 'audience_invalid' },
  },
  {
    name: 'exp as a string',
    path: '/protected',
    headers: (tokens) => bearer(tokens.expirationString),
    expected: { status: 401, wwwAuthenticate: invalidToken('The exp claim is invalid'), code: 'claim_invalid' },
  },
  {
    name: 'claims set that is an array',
    path: '/protected',
    headers: (tokens) => bearer(tokens.payloadArray),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token is malformed'), code: 'token_malformed' },
  },
  {
    name: 'duplicate claim name',
    path: '/protected',
    headers: (tokens) => bearer(tokens.duplicateClaim),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token contains a duplicate JSON member name'), code: 'token_malformed' },
  },
  {
    name: 'unknown crit extension',
    path: '/protected',
    headers: (tokens) => bearer(tokens.critUnknown),
    expected: { status: 401, wwwAuthenticate: invalidToken('The token is malformed'), code: 'token_malformed' },
  },
  {
    name: 'key embedded in the header',
    path: '/protected',
    headers: (tokens) => bearer(tokens.embeddedKey),
    expected: { status: 401, wwwAuthenticate: invalidToken('No signing key matches the token key id'), code: 'key_not_found' },
  },
  {
    name: 'scope that only starts with the required one',
    path: '/scoped',
    headers: (tokens) => bearer(tokens.scopeSuperstring),
    expected: { status: 403, wwwAuthenticate: INSUFFICIENT_SCOPE, code: 'scope_insufficient' },
  },
  {
    name: 'scope in upper case',
    path: '/scoped',
    headers: (tokens) => bearer(tokens.scopeUppercase),
    expected: { status: 403, wwwAuthenticate: INSUFFICIENT_SCOPE, code: 'scope_insufficient' },
  },
  {
    name: 'scope as an array',
    path: '/scoped',
    headers: (tokens) => bearer(tokens.scopeArray),
    expected: { status: 403, wwwAuthenticate: INSUFFICIENT_SCOPE, code: 'scope_insufficient' },
  },
  { name: 'scopes separated by two spaces', path: '/scoped', headers: (tokens) => bearer(tokens.scopeTwoSpaces), expected: success },
  {
    name: 'quoted token',
    path: '/protected',
    headers: (tokens) => [['authorization', `Bearer "${tokens.valid}"`]],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must contain exactly one token after Bearer'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'backslash in the header',
    path: '/protected',
    headers: () => [['authorization', 'Bearer abc\\def']],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must contain exactly one token after Bearer'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'long tab run',
    path: '/protected',
    headers: () => [['authorization', `Bearer${'\t'.repeat(8000)}x`]],
    expected: {
      status: 400,
      wwwAuthenticate: invalidRequest('The Authorization header must separate Bearer and the token with a space'),
      code: 'credentials_malformed',
    },
  },
  {
    name: 'key source unavailable',
    path: '/protected',
    keySource: 'unavailable',
    headers: (tokens) => bearer(tokens.valid),
    expected: { status: 503, wwwAuthenticate: null, code: 'key_source_unavailable', retryAfter: true },
  },
];

/** A response as received, with header names in lower case and repeated headers kept apart. */
export interface ConformanceResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

/** Sends one row's request to an app over real HTTP, keeping repeated header lines apart. */
export function sendConformanceRequest(baseUrl: string, row: ConformanceRow, tokens: ConformanceTokens): Promise<ConformanceResponse> {
  const url = new URL(row.path, baseUrl);
  // Node sends no Host header for a raw header list, so it is added here.
  const headerLines = [['host', url.host] as const, ...row.headers(tokens)].flatMap(([name, value]) => [name, value]);

  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'GET', headers: headerLines, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}
