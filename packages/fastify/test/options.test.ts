import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier } from '@latchkey/core';
import { latchkey, type LatchkeyOptions } from '@latchkey/fastify';

const valid = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' };

async function registrationError(options: unknown): Promise<unknown> {
  const app = Fastify();
  app.register(latchkey, options as LatchkeyOptions);
  try {
    await app.ready();
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
  return undefined;
}

describe('plugin options', () => {
  it('accept valid verifier options', async () => {
    expect(await registrationError(valid)).toBeUndefined();
  });

  it('reject a missing issuer on ready', async () => {
    const error = await registrationError({ audience: valid.audience, jwksUri: valid.jwksUri });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('issuer');
    expect((error as Error).message).toMatch(/^latchkey: option "issuer" is missing\. Set it to/);
  });

  it('reject an http JWKS URL on a public host', async () => {
    const error = await registrationError({ ...valid, jwksUri: 'http://auth.example.com/jwks' });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('jwksUri');
  });

  it('reject options that are not an object', async () => {
    const error = await registrationError(() => 'not options');

    expect((error as ConfigurationError).option).toBe('options');
  });

  it('reject a non-boolean optional', async () => {
    const error = await registrationError({ ...valid, optional: 'yes' });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'latchkey: option "optional" must be true or false, not "yes". Leave it unset to require a token on every route, or set config.auth on single routes.',
    );
  });

  it('accept a verifier from createVerifier', async () => {
    expect(await registrationError({ verifier: createVerifier(valid), optional: true })).toBeUndefined();
  });

  it('reject a verifier that is not one', async () => {
    const error = await registrationError({ verifier: { verify: () => undefined } });

    expect((error as ConfigurationError).option).toBe('verifier');
    expect((error as Error).message).toMatch(/must be a verifier created by createVerifier\(\)/);
  });

  it('reject a verifier together with verifier options', async () => {
    const error = await registrationError({ verifier: createVerifier(valid), issuer: valid.issuer, realm: 'shop' });

    expect((error as ConfigurationError).option).toBe('verifier');
    expect((error as Error).message).toMatch(/cannot be combined with issuer, realm/);
  });

  it('reject Fastify 4 and older through fastify-plugin metadata', () => {
    const metadata = (latchkey as unknown as Record<symbol, { fastify?: string; name?: string }>)[Symbol.for('plugin-meta')];

    expect(metadata).toMatchObject({ fastify: '5.x', name: '@latchkey/fastify' });
  });
});
