/** A request path in the form the route policy matches on. */
export interface CanonicalPath {
  /** Decoded, without empty segments, a trailing slash, a locale prefix or a transport suffix. */
  pathname: string;
  /**
   * True when a segment could not be decoded, or decodes to a separator or a dot segment. Such a
   * path is never treated as public, whatever the patterns match.
   */
  unusual: boolean;
}

/**
 * Brings a raw pathname into the form Next.js routes on, so that every URL reaching a page is
 * matched like the page itself:
 *
 * - percent-encoded characters are decoded, and `//` and a trailing `/` are dropped;
 * - `/_next/data/<build id>/<page>.json` (Pages Router data) becomes `/<page>`;
 * - `<page>.rsc`, `<page>.prefetch.rsc` and `<page>.segments/…` (App Router payloads) become `<page>`;
 * - a first segment listed in `locales` is dropped.
 *
 * A dot elsewhere in a path is an ordinary character (RFC 3986 §3.3) and changes nothing.
 */
export function canonicalPath(rawPathname: string, locales: readonly string[]): CanonicalPath {
  const decoded = decodeSegments(rawPathname);
  let segments = stripTransportForms(decoded.segments);

  const [first] = segments;
  if (first !== undefined && locales.includes(first)) segments = segments.slice(1);

  return { pathname: `/${segments.join('/')}`, unusual: decoded.unusual };
}

function decodeSegments(rawPathname: string): { segments: string[]; unusual: boolean } {
  const segments: string[] = [];
  let unusual = false;

  for (const raw of rawPathname.split('/')) {
    if (raw === '') continue;

    const value = decodeSegment(raw);
    if (value === undefined || value.includes('/') || value.includes('\\') || value === '.' || value === '..') {
      unusual = true;
      segments.push(raw);
      continue;
    }
    segments.push(value);
  }
  return { segments, unusual };
}

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function stripTransportForms(segments: string[]): string[] {
  const data = stripDataRoute(segments);
  if (data !== undefined) return data;

  const segmentIndex = segments.findIndex((segment) => segment.endsWith('.segments'));
  if (segmentIndex !== -1) {
    const page = [...segments.slice(0, segmentIndex), (segments[segmentIndex] as string).slice(0, -'.segments'.length)];
    return rootIndex(page);
  }

  const last = segments.at(-1);
  if (last !== undefined && last.endsWith('.rsc')) {
    const page = last.slice(0, -'.rsc'.length).replace(/\.prefetch$/, '');
    return rootIndex([...segments.slice(0, -1), page]);
  }
  return segments;
}

/** `/_next/data/<build id>/<page>.json` → the page's segments, or undefined for other paths. */
function stripDataRoute(segments: string[]): string[] | undefined {
  const last = segments.at(-1);
  if (segments[0] !== '_next' || segments[1] !== 'data' || segments.length < 4 || last === undefined || !last.endsWith('.json')) {
    return undefined;
  }
  return rootIndex([...segments.slice(3, -1), last.slice(0, -'.json'.length)]);
}

/** Next.js names the root page `index` in transport URLs. */
function rootIndex(segments: string[]): string[] {
  return segments.length === 1 && segments[0] === 'index' ? [] : segments.filter((segment) => segment !== '');
}
