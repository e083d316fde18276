import { useEffect } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router } from 'preact-iso';
import { ErrorFallback } from './components/ErrorFallback.tsx';
import { Shell } from './components/Shell.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import type { AppStores } from './stores/app.ts';
import { StoresContext, useStores } from './stores/context.ts';

const TicketsPage = lazy(() => import('./pages/TicketsPage.tsx'));
const WhatsAppPage = lazy(() => import('./pages/WhatsAppPage.tsx'));
const SandboxPage = lazy(() => import('./pages/SandboxPage.tsx'));
const AccountsPage = lazy(() => import('./pages/AccountsPage.tsx'));
const StatsPage = lazy(() => import('./pages/StatsPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

export function App({ stores }: { stores: AppStores }) {
  useEffect(() => void stores.session.check(), []);
  return (
    <StoresContext.Provider value={stores}>
      <ErrorFallback>
        <Gate />
      </ErrorFallback>
    </StoresContext.Provider>
  );
}

/** Login until there is a session; the requested address survives, so a reload lands back. */
function Gate() {
  const { session } = useStores();
  const phase = session.phase.value;
  if (phase === 'checking') return <p class="splash" role="status">Cargando…</p>;
  if (phase === 'anonymous') return <LoginPage />;
  return (
    <LocationProvider>
      <Shell>
        <ErrorBoundary>
          <Router>
            <Route path="/" component={TicketsPage} />
            <Route path="/whatsapp" component={WhatsAppPage} />
            <Route path="/telefono" component={SandboxPage} />
            <Route path="/cuentas" component={AccountsPage} />
            <Route path="/estadisticas" component={StatsPage} />
            <Route path="/auditoria" component={AuditPage} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </Shell>
    </LocationProvider>
  );
}
