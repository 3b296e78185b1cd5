/**
 * Keeps cookies the way a browser profile does for one site, so that several clients (tabs) share
 * the session cookie and see it rotate. Only the `name=value` pair and `Max-Age=0` are honoured,
 * which is all the test token endpoint sets.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The global fetch with the jar's cookies attached and `Set-Cookie` responses stored. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (this.cookies.size > 0) request.headers.set('cookie', this.header());

    const response = await fetch(request);
    for (const setCookie of response.headers.getSetCookie()) this.store(setCookie);
    return response;
  };

  private header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);

    if (attributes.some((attribute) => attribute.toLowerCase() === 'max-age=0')) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(separator + 1));
  }
}
