import { describe, expect, it } from 'vitest';
import { type CredentialRequest, type ExtractOptions, extractToken, InvalidRequestError, InvalidTokenError, CredentialsMissingError, parseAuthorization } from '@latchkey/core';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJl';
const defaults: ExtractOptions = { cookieName: undefined, queryParameter: undefined, maxTokenLength: 8192 };

function extract(request: CredentialRequest, options: Partial<ExtractOptions> = {}) {
  return extractToken(request, { ...defaults, ...options });
}

function failureOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('Authorization header parsing', () => {
  it.each([
    ['Bearer TOKEN', 'canonical form'],
    ['bearer TOKEN', 'lower-case scheme'],
    ['BEARER TOKEN', 'upper-case scheme'],
    ['Bearer  TOKEN', 'two spaces'],
    ['Bearer TOKEN ', 'trailing space'],
    ['  Bearer TOKEN', 'leading space'],
    ['Bearer TOKEN\t', 'trailing tab'],
  ])('accepts %j (%s)', (header) => {
    expect(extract({ authorization: header.replace('TOKEN', TOKEN) }).token).toBe(TOKEN);
  });

  it.each([
    ['Bearer', 'no token'],
    ['Bearer\tTOKEN', 'tab separator'],
    ['Bearer TOKEN extra', 'two tokens'],
    ['Bearer TOKEN,x', 'comma'],
    ['Bearer "TOKEN"', 'quoted token'],
    ['Bearer TOKEN\r\nX-Injected: 1', 'CR LF'],
    ['Bearer ==TOKEN', 'padding first'],
    ['Bearer,TOKEN', 'comma after scheme'],
  ])('rejects %j as malformed (%s)', (header) => {
    const error = failureOf(() => extract({ authorization: header.replace('TOKEN', TOKEN) }));

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).code).toBe('credentials_malformed');
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'Basic scheme'],
    ['Token TOKEN', 'Token scheme'],
    ['JWT TOKEN', 'JWT scheme'],
    ['TOKEN', 'no scheme'],
    ['', 'empty value'],
    ['   ', 'only spaces'],
    ['Bearerx TOKEN', 'longer scheme name'],
  ])('treats %j as no credentials (%s)', (header) => {
    const error = failureOf(() => extract({ authorization: header.replace('TOKEN', TOKEN) }));

    expect(error).toBeInstanceOf(CredentialsMissingError);
  });

  it('treats a missing header as no credentials', () => {
    expect(failureOf(() => extract({}))).toBeInstanceOf(CredentialsMissingError);
  });

  it('rejects two Authorization headers', () => {
    const error = failureOf(() => extract({ authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] }));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });

  it('accepts one header given as an array', () => {
    expect(extract({ authorization: [`Bearer ${TOKEN}`] }).token).toBe(TOKEN);
  });

  it('parses a long whitespace run in linear time', () => {
    // A parser with overlapping quantifiers takes minutes on this input; a linear one takes milliseconds.
    const header = `Bearer${' '.repeat(1_000_000)}\nx`;

    expect(() => parseAuthorization(header)).toThrow(InvalidRequestError);
    expect(parseAuthorization(`Bearer${' '.repeat(1_000_000)}x`)).toBe('x');
  });
});

describe('token size limit', () => {
  it('rejects a token over the limit as token_too_large', () => {
    const error = failureOf(() => extract({ authorization: `Bearer ${'a'.repeat(8193)}` }));

    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).code).toBe('token_too_large');
  });

  it('accepts a token at the limit', () => {
    expect(extract({ authorization: `Bearer ${'a'.repeat(8192)}` }).token).toHaveLength(8192);
  });

  it('applies a configured limit', () => {
    const error = failureOf(() => extract({ authorization: `Bearer ${'a'.repeat(101)}` }, { maxTokenLength: 100 }));

    expect((error as InvalidTokenError).code).toBe('token_too_large');
  });
});

describe('cookie credentials', () => {
  const options = { cookieName: 'access_token' };

  it('ignores cookies unless a cookie name is set', () => {
    expect(failureOf(() => extract({ cookie: `access_token=${TOKEN}` }))).toBeInstanceOf(CredentialsMissingError);
  });

  it('reads the named cookie', () => {
    const found = extract({ cookie: `theme=dark; access_token=${TOKEN}` }, options);

    expect(found.token).toBe(TOKEN);
    expect(found.location).toBe('cookie');
  });

  it('treats an empty cookie as absent', () => {
    expect(failureOf(() => extract({ cookie: 'access_token=' }, options))).toBeInstanceOf(CredentialsMissingError);
  });

  it('rejects a cookie together with a header', () => {
    const error = failureOf(() => extract({ authorization: `Bearer ${TOKEN}`, cookie: `access_token=${TOKEN}` }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });

  it('rejects the cookie name sent twice', () => {
    const error = failureOf(() => extract({ cookie: `access_token=${TOKEN}; access_token=${TOKEN}` }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });

  it('rejects the cookie name in two Cookie headers', () => {
    const error = failureOf(() => extract({ cookie: [`access_token=${TOKEN}`, `access_token=${TOKEN}`] }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });

  it('rejects a cookie value that is not a token', () => {
    const error = failureOf(() => extract({ cookie: 'access_token=a%20b' }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_malformed');
  });

  it('uses the cookie when the header has another scheme', () => {
    expect(extract({ authorization: 'Basic dXNlcjpwYXNz', cookie: `access_token=${TOKEN}` }, options).token).toBe(TOKEN);
  });
});

describe('query credentials', () => {
  const options = { queryParameter: 'access_token' };

  it('ignores the query string by default', () => {
    expect(failureOf(() => extract({ url: `/items?access_token=${TOKEN}` }))).toBeInstanceOf(CredentialsMissingError);
  });

  it('reads the named parameter when enabled', () => {
    const found = extract({ url: `/items?a=1&access_token=${TOKEN}` }, options);

    expect(found.token).toBe(TOKEN);
    expect(found.location).toBe('query');
  });

  it('rejects the parameter given twice', () => {
    const error = failureOf(() => extract({ url: `/items?access_token=${TOKEN}&access_token=${TOKEN}` }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });

  it('rejects a query token together with a header', () => {
    const error = failureOf(() => extract({ authorization: `Bearer ${TOKEN}`, url: `/items?access_token=${TOKEN}` }, options));

    expect((error as InvalidRequestError).code).toBe('credentials_multiple');
  });
});
