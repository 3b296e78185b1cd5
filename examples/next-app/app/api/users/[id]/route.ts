import { auth } from '@/lib/auth';

export const GET = auth.withAuth<{ params: Promise<{ id: string }> }>(async (_request, { auth: user, params }) => {
  const { id } = await params;
  return Response.json({ id, requestedBy: user.claims.sub });
});
