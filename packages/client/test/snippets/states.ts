// A README snippet of @latchkey/client, checked by test/readme.test.ts. Node has no `window`,
// so a stand-in that records the navigation shadows it.
import { api } from './better-auth.js';

export const visited: string[] = [];
const window = { location: { assign: (url: string) => visited.push(url) } };

const stop = api.subscribe(({ previous, current }) => {
  if (current === 'signed_out' && previous !== 'signed_out') window.location.assign('/sign-in');
});

export { stop };
