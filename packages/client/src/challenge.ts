/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface Challenge {
  /** Authentication scheme in lower case, such as `bearer`. */
  scheme: string;
  /** Parameters by lower-case name, with quoted values unescaped. */
  params: Record<string, string>;
  token68?: string;
}

/** The Bearer challenge's parameters (RFC 6750 §3). */
export interface BearerChallenge {
  realm?: string;
  /** `invalid_token`, `insufficient_scope`, `invalid_request`, or absent in a bare challenge. */
  error?: string;
  errorDescription?: string;
  scope?: string;
}

const tokenCharacter = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68Pattern = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Finds the Bearer challenge in a `WWW-Authenticate` header value, which may list several
 * challenges. The scheme and parameter names are matched case-insensitively. Returns undefined
 * when the header has no Bearer challenge.
 */
export function parseBearerChallenge(header: string | null | undefined): BearerChallenge | undefined {
  if (header === null || header === undefined) return undefined;

  const bearer = parseChallenges(header).find((challenge) => challenge.scheme === 'bearer');
  if (bearer === undefined) return undefined;

  const { realm, error, error_description: errorDescription, scope } = bearer.params;
  return {
    ...(realm === undefined ? {} : { realm }),
    ...(error === undefined ? {} : { error }),
    ...(errorDescription === undefined ? {} : { errorDescription }),
    ...(scope === undefined ? {} : { scope }),
  };
}

/**
 * Splits a `WWW-Authenticate` value into challenges. Commas separate both challenges and
 * parameters, so a name followed by `=` is a parameter of the current challenge and any other name
 * starts a new challenge. A malformed part is skipped up to the next comma.
 */
export function parseChallenges(header: string): Challenge[] {
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;

  while (!scanner.atEnd()) {
    scanner.skipWhitespace();
    if (scanner.take(',')) continue;

    const name = scanner.readToken();
    if (name === '') {
      scanner.skipPast(',');
      continue;
    }

    const afterName = scanner.position;
    scanner.skipWhitespace();

    if (current !== undefined && scanner.take('=')) {
      readParam(scanner, current, name.toLowerCase());
      continue;
    }

    scanner.position = afterName;
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    readToken68(scanner, current);
  }

  return challenges;
}

function readParam(scanner: Scanner, challenge: Challenge, name: string): void {
  scanner.skipWhitespace();
  const value = scanner.peek() === '"' ? scanner.readQuoted() : scanner.readToken();

  if (value === undefined || value === '') {
    scanner.skipPast(',');
    return;
  }

  // RFC 9110 allows each parameter once per challenge, so a repeated one is ignored.
  if (!(name in challenge.params)) challenge.params[name] = value;
}

/** Reads a token68 credential right after the scheme, if the rest of the challenge is one. */
function readToken68(scanner: Scanner, challenge: Challenge): void {
  const start = scanner.position;
  if (!scanner.skipSpaces()) return;

  const match = token68Pattern.exec(scanner.rest());
  if (match === null) return;

  scanner.position += match[0].length;
  scanner.skipWhitespace();

  if (scanner.atEnd() || scanner.peek() === ',') {
    challenge.token68 = match[0];
    return;
  }

  // Not a token68, such as `realm="api"`: the main loop reads it as parameters.
  scanner.position = start;
}

class Scanner {
  position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  rest(): string {
    return this.text.slice(this.position);
  }

  take(character: string): boolean {
    if (this.peek() !== character) return false;
    this.position += 1;
    return true;
  }

  skipWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position += 1;
  }

  /** Skips spaces and tabs, and returns whether there were any. */
  skipSpaces(): boolean {
    const start = this.position;
    this.skipWhitespace();
    return this.position > start;
  }

  skipPast(character: string): void {
    const index = this.text.indexOf(character, this.position);
    this.position = index === -1 ? this.text.length : index + 1;
  }

  readToken(): string {
    const start = this.position;
    while (!this.atEnd() && tokenCharacter.test(this.peek() ?? '')) this.position += 1;
    return this.text.slice(start, this.position);
  }

  /** Reads a quoted-string and removes its backslash escapes, or returns undefined when it is not closed. */
  readQuoted(): string | undefined {
    let value = '';
    this.position += 1;

    while (!this.atEnd()) {
      const character = this.peek();
      this.position += 1;

      if (character === '"') return value;
      if (character === '\\') {
        value += this.peek() ?? '';
        this.position += 1;
        continue;
      }
      value += character;
    }

    return undefined;
  }
}
