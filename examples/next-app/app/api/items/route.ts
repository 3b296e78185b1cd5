import { auth } from '@/lib/auth';

const items = [
  { id: 1, name: 'Notebook' },
  { id: 2, name: 'Pencil' },
];

/** Any valid token may list the items. */
export const GET = auth.withAuth(async (_request, { auth: user }) => {
  return Response.json({ items, requestedBy: user.claims.sub });
});

/** Creating an item needs the write:items scope. */
export const POST = auth.withAuth(
  async (request, { auth: user }) => {
    const body = (await request.json().catch(() => ({}))) as { name?: unknown };
    const name = typeof body.name === 'string' ? body.name : 'Untitled';
    return Response.json({ id: items.length + 1, name, createdBy: user.claims.sub }, { status: 201 });
  },
  { scopes: 'write:items' },
);
