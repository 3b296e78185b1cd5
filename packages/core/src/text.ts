// RFC 6750 §3: error_description and realm values may only contain %x20-21 / %x23-5B / %x5D-7E,
// that is printable ASCII without `"` and `\`. Anything else is replaced, so the value can be
// placed inside a quoted header parameter and a log line unchanged.
const UNSAFE_DESCRIPTION_CHARACTER = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

// RFC 6750 §3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Replaces every character that may not appear in a quoted challenge parameter with `?`. */
export function toSafeDescription(text: string): string {
  return text.replace(UNSAFE_DESCRIPTION_CHARACTER, '?');
}

/** Tells whether a text can be sent as a quoted challenge parameter without changes. */
export function isSafeParameterValue(text: string): boolean {
  return !new RegExp(UNSAFE_DESCRIPTION_CHARACTER.source).test(text);
}

/** Tells whether a text is one RFC 6750 scope token. */
export function isScopeToken(text: string): boolean {
  return SCOPE_TOKEN.test(text);
}
