import express from 'express';
import { latchkey } from '@latchkey/express';

export const httpsOnlyApp = express();

// The TLS-terminating proxy runs on this machine; trust its X-Forwarded-Proto and X-Forwarded-For.
httpsOnlyApp.set('trust proxy', 'loopback');

httpsOnlyApp.use(
  latchkey({
    issuer: 'http://127.0.0.1:3000',
    audience: 'urn:latchkey:example-api',
    jwksUri: 'http://127.0.0.1:3000/api/auth/jwks',
    requireHttps: true,
  }),
);

httpsOnlyApp.get('/me', (request, response) => {
  response.json({ sub: request.auth?.claims.sub });
});
