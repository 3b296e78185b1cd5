import { describe, expect, it } from 'vitest';
import {
  CredentialsMissingError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  KeySourceUnavailableError,
  renderFailure,
} from '@latchkey/core';

describe('renderFailure', () => {
  it('renders missing credentials as a bare challenge', () => {
    const rendered = renderFailure(new CredentialsMissingError());

    expect(rendered.status).toBe(401);
    expect(rendered.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(rendered.headers['content-type']).toBe('application/problem+json');
    expect(rendered.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(rendered.body)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'No bearer token was sent',
      code: 'credentials_missing',
    });
  });

  it('renders a malformed request as invalid_request', () => {
    const rendered = renderFailure(new InvalidRequestError('credentials_malformed', { description: 'Bad header' }));

    expect(rendered.status).toBe(400);
    expect(rendered.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_request", error_description="Bad header"');
    expect(JSON.parse(rendered.body)).toMatchObject({ status: 400, title: 'Bad Request', code: 'credentials_malformed', error: 'invalid_request' });
  });

  it('renders a bad token as invalid_token', () => {
    const rendered = renderFailure(new InvalidTokenError('token_expired', { description: 'The token has expired' }));

    expect(rendered.status).toBe(401);
    expect(rendered.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="The token has expired"');
    expect(JSON.parse(rendered.body)).toMatchObject({ code: 'token_expired', error: 'invalid_token' });
  });

  it('renders a missing scope with the scope attribute', () => {
    const failure = new InsufficientScopeError('scope_insufficient', { description: 'Needs more', requiredScopes: ['write:items', 'admin'] });
    const rendered = renderFailure(failure);

    expect(rendered.status).toBe(403);
    expect(rendered.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Needs more", scope="write:items admin"',
    );
    expect(JSON.parse(rendered.body)).toMatchObject({ title: 'Forbidden', code: 'scope_insufficient', error: 'insufficient_scope' });
  });

  it('renders an unavailable key source as 503 with Retry-After', () => {
    const rendered = renderFailure(new KeySourceUnavailableError({ description: 'Down', retryAfter: 12.2 }));

    expect(rendered.status).toBe(503);
    expect(rendered.headers['retry-after']).toBe('13');
    expect(rendered.headers['www-authenticate']).toBeUndefined();
    expect(JSON.parse(rendered.body)).toMatchObject({ title: 'Service Unavailable', code: 'key_source_unavailable' });
    expect(JSON.parse(rendered.body)).not.toHaveProperty('error');
  });

  it('uses the configured realm', () => {
    expect(renderFailure(new CredentialsMissingError(), { realm: 'orders' }).headers['www-authenticate']).toBe('Bearer realm="orders"');
  });

  it('removes quotes, backslashes and control characters from descriptions', () => {
    const failure = new InvalidTokenError('claim_invalid', { description: 'a"b\\c\r\nd\u0000e\u00e9' });
    const rendered = renderFailure(failure);

    expect(rendered.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="a?b?c??d?e?"');
    expect(JSON.parse(rendered.body).detail).toBe('a?b?c??d?e?');
  });

  it('keeps the same bytes for the same failure', () => {
    const first = renderFailure(new InvalidTokenError('signature_invalid', { description: 'x' }));
    const second = renderFailure(new InvalidTokenError('signature_invalid', { description: 'x' }));

    expect(second).toEqual(first);
  });
});
