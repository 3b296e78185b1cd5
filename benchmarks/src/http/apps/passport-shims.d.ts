// Minimal types for passport and passport-jwt. @types/passport declares a global
// `Express.AuthInfo` interface, which shadows the `AuthInfo` that @latchkey/express uses in its
// own `Express.Request` augmentation, so the benchmarks do not install it.
declare module 'passport' {
  import type { RequestHandler } from 'express';

  interface Passport {
    use(strategy: unknown): Passport;
    authenticate(name: string, options: { session: boolean }): RequestHandler;
  }

  const passport: Passport;
  export default passport;
}

declare module 'passport-jwt' {
  import type { Request } from 'express';

  export interface StrategyOptions {
    jwtFromRequest: (request: Request) => string | null;
    secretOrKeyProvider: unknown;
    issuer: string;
    audience: string;
    algorithms: string[];
  }

  export class Strategy {
    constructor(options: StrategyOptions, verify: (payload: unknown, done: (error: unknown, user?: unknown) => void) => void);
  }

  export const ExtractJwt: {
    fromAuthHeaderAsBearerToken(): (request: Request) => string | null;
  };
}
