import { ConfigurationError } from '../errors.js';
import type { AcceptedValues } from '../options.js';

/** Checks an `issuer` or `audience` option and returns its values, or null when the check is off. */
export function resolveAcceptedValues(
  option: 'issuer' | 'audience',
  value: AcceptedValues | undefined,
  example: string,
): readonly string[] | null {
  if (value === null) return null;

  if (value === undefined) {
    throw new ConfigurationError(
      option,
      'is missing',
      `Set it to the exact "${option === 'issuer' ? 'iss' : 'aud'}" value your tokens carry, for example ${example}, or set it to null to turn the check off`,
    );
  }

  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.length === 0) {
    throw new ConfigurationError(option, 'must be a non-empty string or a non-empty array of strings', `Use for example ${example}, or null to turn the check off`);
  }
  for (const entry of values) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new ConfigurationError(option, 'contains an empty or non-string value', `Every accepted value must be a non-empty string, for example ${example}`);
    }
  }
  return Object.freeze([...values]);
}

/** Checks a duration in seconds and returns it, or the default when the option is not set. */
export function resolveSeconds(option: string, value: number | undefined, fallback: number, { allowZero = true } = {}): number {
  if (value === undefined) return fallback;

  const valid = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!valid) {
    throw new ConfigurationError(option, `must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds`, `Pass a number such as ${fallback}`);
  }
  return value;
}

/** Checks a positive integer option, such as a size limit. */
export function resolvePositiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;

  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(option, 'must be a positive integer', `Pass a number such as ${fallback}`);
  }
  return value;
}

/** Checks an optional non-empty string option. */
export function resolveOptionalName(option: string, value: string | undefined, pattern: RegExp, example: string): string | undefined {
  if (value === undefined) return undefined;

  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigurationError(option, 'is not a valid name', `Use a non-empty name without spaces, quotes or separators, for example "${example}"`);
  }
  return value;
}
