import fc from 'fast-check';
import { signRawCompact, type TestKey } from '@latchkey/test-fixtures';

/** A token made from a valid one by one or more mutations, and whether it was signed again. */
export interface MutatedToken {
  token: string;
  resigned: boolean;
}

export interface MutationContext {
  key: TestKey;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const JSON_VALUES: readonly unknown[] = ['', 'admin', 0, -1, 1e21, 1.5, true, false, null, [], {}, ['x'], { a: 1 }, '\u0000', '\u202e', '\ud83d\ude00', 'é'];
const ALGORITHMS = ['RS256', 'RS384', 'PS256', 'ES256', 'EdDSA', 'HS256', 'none', 'None', '', 'rs256'];
const HEADER_NAMES = ['alg', 'kid', 'typ', 'crit', 'b64', 'jku', 'jwk', 'x5u', 'x5c', 'cty', 'zip', 'enc'];
const CLAIM_NAMES = ['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'jti', 'scope', 'scp', 'azp'];

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Changes, removes or duplicates members of a JSON object, returning the new JSON text. */
function objectEdit(names: readonly string[], values: fc.Arbitrary<unknown>): fc.Arbitrary<(input: Record<string, unknown>) => string> {
  return fc.oneof(
    fc.record({ name: fc.constantFrom(...names), value: values }).map(({ name, value }) => (input: Record<string, unknown>) => JSON.stringify({ ...input, [name]: value })),
    fc.constantFrom(...names).map((name) => (input: Record<string, unknown>) => {
      const { [name]: _removed, ...rest } = input;
      return JSON.stringify(rest);
    }),
    fc.record({ name: fc.constantFrom(...names), value: values }).map(({ name, value }) => (input: Record<string, unknown>) => {
      const text = JSON.stringify(input);
      return `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'}}`;
    }),
    fc.string().map((text) => () => text),
    fc.jsonValue().map((value) => () => JSON.stringify(value) ?? 'null'),
  );
}

/** Rewrites a base64url segment the ways decoders disagree on: padding, the standard alphabet, stray characters. */
const segmentEdit = fc.oneof(
  fc.constant((segment: string) => `${segment}=`),
  fc.constant((segment: string) => `${segment}==`),
  fc.constant((segment: string) => segment.replaceAll('-', '+').replaceAll('_', '/')),
  fc.record({ at: fc.nat(), character: fc.constantFrom(' ', '\t', '.', '=', '+', '/', '%', '\u00e9', '\u0000') }).map(
    ({ at, character }) =>
      (segment: string) =>
        segment.slice(0, at % (segment.length + 1)) + character + segment.slice(at % (segment.length + 1)),
  ),
  fc.nat().map((cut) => (segment: string) => segment.slice(0, cut % (segment.length + 1))),
);

const signatureEdit = fc.oneof(
  fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(({ at, bit }) => (signature: Buffer) => {
    const copy = Buffer.from(signature);
    if (copy.length > 0) copy[at % copy.length] = (copy[at % copy.length] ?? 0) ^ (1 << bit);
    return copy;
  }),
  fc.nat().map((cut) => (signature: Buffer) => signature.subarray(0, cut % (signature.length + 1))),
  fc.uint8Array({ maxLength: 8 }).map((extra) => (signature: Buffer) => Buffer.concat([signature, extra])),
  fc.constant(() => Buffer.alloc(0)),
);

/**
 * Returns an arbitrary of tokens derived from one valid token, signed again where the mutation needs it.
 * One in five is a valid token with other `sub` and `scope` strings, so accepted tokens (and the
 * claims both verifiers return for them) are compared too.
 */
export function mutatedTokens(context: MutationContext): fc.Arbitrary<Promise<MutatedToken>> {
  const valid = fc.record({ sub: fc.string(), scope: fc.string() }).map(async (claims) => {
    const token = await signRawCompact(JSON.stringify(context.header), JSON.stringify({ ...context.claims, ...claims }), context.key.privateKey, context.key.alg);
    return { token, resigned: true };
  });
  return fc.oneof({ arbitrary: valid, weight: 1 }, { arbitrary: mutations(context), weight: 4 });
}

function mutations(context: MutationContext): fc.Arbitrary<Promise<MutatedToken>> {
  const values = fc.oneof(fc.constantFrom(...JSON_VALUES), fc.string(), fc.integer(), fc.constantFrom(...ALGORITHMS));
  const headerEdits = fc.array(objectEdit(HEADER_NAMES, values), { maxLength: 2 });
  const claimEdits = fc.array(objectEdit(CLAIM_NAMES, values), { maxLength: 3 });

  return fc
    .record({
      headerEdits,
      claimEdits,
      resign: fc.boolean(),
      segments: fc.array(fc.record({ index: fc.integer({ min: 0, max: 2 }), edit: segmentEdit }), { maxLength: 2 }),
      signature: fc.option(signatureEdit),
      shape: fc.constantFrom('three', 'two', 'four', 'empty-header'),
    })
    .map(async (plan) => {
      const headerJson = plan.headerEdits.reduce<string>((text, edit) => edit(safeObject(text)), JSON.stringify(context.header));
      const claimsJson = plan.claimEdits.reduce<string>((text, edit) => edit(safeObject(text)), JSON.stringify(context.claims));

      const signed = await signRawCompact(headerJson, claimsJson, context.key.privateKey, context.key.alg);
      let [header = '', payload = '', signature = ''] = signed.split('.');
      if (!plan.resign) [header, payload] = [encode(headerJson), encode(claimsJson)];
      if (plan.signature !== null) signature = plan.signature(Buffer.from(signature, 'base64url')).toString('base64url');

      const parts = [header, payload, signature];
      for (const { index, edit } of plan.segments) parts[index] = edit(parts[index] ?? '');
      return { token: reshape(parts, plan.shape), resigned: plan.resign };
    });
}

function safeObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function reshape(parts: string[], shape: string): string {
  if (shape === 'two') return parts.slice(0, 2).join('.');
  if (shape === 'four') return [...parts, parts[2] ?? ''].join('.');
  if (shape === 'empty-header') return ['', ...parts.slice(1)].join('.');
  return parts.join('.');
}
