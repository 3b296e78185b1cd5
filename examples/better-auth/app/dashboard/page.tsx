import { connection } from 'next/server';
import { readAppSettings } from '../../src/settings';
import { Dashboard } from './dashboard';

export default async function DashboardPage() {
  // The API URLs come from the server's environment at request time, not at build time.
  await connection();
  const { apis } = readAppSettings(process.env);

  return (
    <main>
      <h1>Dashboard</h1>
      <Dashboard
        apis={[
          { name: 'express', url: apis.express },
          { name: 'fastify', url: apis.fastify },
        ]}
      />
    </main>
  );
}
