// The console's pages and the sign-in gate in front of them. Every path lives under /console.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { SessionProvider, storedKey, useSignIn } from './api/session';
import { Layout } from './components/Layout';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { AuditPage } from './pages/AuditPage';
import { BroadcastPage } from './pages/BroadcastPage';
import { BroadcastsPage } from './pages/BroadcastsPage';
import { CustomerPage } from './pages/CustomerPage';
import { CustomersPage } from './pages/CustomersPage';
import { ExperimentPage } from './pages/ExperimentPage';
import { ImportPage } from './pages/ImportPage';
import { ImportsPage } from './pages/ImportsPage';
import { MessagesPage } from './pages/MessagesPage';
import { ProgramPage } from './pages/ProgramPage';
import { ProgramsPage } from './pages/ProgramsPage';
import { RolloutPage } from './pages/RolloutPage';
import { SegmentPage } from './pages/SegmentPage';
import { SegmentsPage } from './pages/SegmentsPage';
import { SignInPage } from './pages/SignInPage';
import { TemplatePage } from './pages/TemplatePage';
import { TemplatesPage } from './pages/TemplatesPage';
import './styles.css';

const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });

export function App() {
  return (
    <QueryClientProvider client={queries}>
      <BrowserRouter basename="/console">
        <SessionProvider>{(session) => (session ? <SignedIn /> : <SignedOut />)}</SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function SignedIn() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/programs" element={<ProgramsPage />} />
        <Route path="/programs/:id" element={<ProgramPage />} />
        <Route path="/experiments/:id" element={<ExperimentPage />} />
        <Route path="/rollouts/:id" element={<RolloutPage />} />
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/customers/:id" element={<CustomerPage />} />
        <Route path="/segments" element={<SegmentsPage />} />
        <Route path="/segments/:id" element={<SegmentPage />} />
        <Route path="/broadcasts" element={<BroadcastsPage />} />
        <Route path="/broadcasts/:id" element={<BroadcastPage />} />
        <Route path="/analytics" element={<AnalyticsPage />} />
        <Route path="/imports" element={<ImportsPage />} />
        <Route path="/imports/:id" element={<ImportPage />} />
        <Route path="/templates" element={<TemplatesPage />} />
        <Route path="/templates/:id" element={<TemplatePage />} />
        <Route path="/messages" element={<MessagesPage />} />
        <Route path="/audit" element={<AuditPage />} />
        <Route path="*" element={<Navigate to="/programs" replace />} />
      </Route>
    </Routes>
  );
}

/** A reload signs in again with the key this tab kept; otherwise the sign-in form. */
function SignedOut() {
  const signIn = useSignIn();
  const kept = storedKey();
  useEffect(() => {
    if (kept) void signIn(kept).catch(() => sessionStorage.clear());
  }, [kept, signIn]);
  return <SignInPage />;
}
