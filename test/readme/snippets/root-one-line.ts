// The one-line example of the root README, copied verbatim; readme.test.ts checks that it stays identical.

import express from 'express';
import { latchkey } from '@latchkey/express';

const app = express();

app.use(latchkey({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' }));

export { app };
