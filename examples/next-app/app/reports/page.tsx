// Reads no request data, so Next.js prerenders it. Only the proxy protects it, and the proxy
// marks its responses private so no shared cache stores it.
export default function ReportsPage() {
  return (
    <main>
      <h1>Reports</h1>
      <p id="reports-marker">Quarterly figures for signed-in users.</p>
    </main>
  );
}
