import { ConfigurationError } from '@latchkey/core';

/**
 * A path pattern: an exact pathname such as `/sign-in`, a prefix such as `/docs/*` that matches
 * `/docs` and every path below it (`/*` matches every path), or a RegExp tested against the
 * canonical pathname.
 */
export type PathPattern = string | RegExp;

/** Tests a canonical pathname. */
export type PathTest = (pathname: string) => boolean;

/**
 * Paths that Next.js serves itself and that never carry user data: content-hashed build assets,
 * and the image optimizer, whose own fetch of the source image carries no cookies or
 * Authorization header, so it cannot read a protected image.
 */
export const FRAMEWORK_ASSET_PATTERNS: readonly PathPattern[] = Object.freeze(['/_next/static/*', '/_next/image']);

const PATTERN_TEXT = /^\/(?:[^?#*]*(?:\/\*)?|\*)$/;

/** Compiles a list of patterns into one test. Throws a ConfigurationError naming the option. */
export function compilePathPatterns(option: string, patterns: readonly PathPattern[] | undefined, fallback: readonly PathPattern[]): PathTest {
  const list = patterns ?? fallback;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(option, 'must be an array of path patterns', 'Pass for example ["/", "/docs/*"]');
  }

  const tests = list.map((pattern: unknown) => compilePathPattern(option, pattern));
  return (pathname) => tests.some((test) => test(pathname));
}

function compilePathPattern(option: string, pattern: unknown): PathTest {
  if (pattern instanceof RegExp) {
    if (pattern.global || pattern.sticky) {
      throw new ConfigurationError(option, `contains the RegExp ${String(pattern)} with the g or y flag, which keeps state between tests`, 'Remove the g and y flags');
    }
    return (pathname) => pattern.test(pathname);
  }

  if (typeof pattern !== 'string' || !PATTERN_TEXT.test(pattern)) {
    throw new ConfigurationError(
      option,
      `contains the invalid path pattern ${JSON.stringify(pattern)}`,
      'Write an exact path such as "/sign-in", a prefix such as "/docs/*", or a RegExp',
    );
  }

  if (!pattern.endsWith('/*')) {
    const exact = trimTrailingSlash(pattern);
    return (pathname) => pathname === exact;
  }

  if (pattern === '/*') return () => true;

  const base = trimTrailingSlash(pattern.slice(0, -2));
  const prefix = base === '/' ? '/' : `${base}/`;
  return (pathname) => pathname === base || pathname.startsWith(prefix);
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
