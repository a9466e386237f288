import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api/client.js';
import { Layout } from './components/layout.js';
import { AuditPage } from './pages/audit-page.js';
import { BatchesPage } from './pages/batches-page.js';
import { KeysPage } from './pages/keys-page.js';
import { LoginPage } from './pages/login-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { PeoplePage } from './pages/people-page.js';
import { PrincipalDetailPage } from './pages/principals/principal-detail-page.js';
import { PrincipalsPage } from './pages/principals/principals-page.js';
import { QueuePage } from './pages/queue-page.js';
import { PromptDetailPage } from './pages/prompts/prompt-detail-page.js';
import { PromptsPage } from './pages/prompts/prompts-page.js';
import { RoutesPage } from './pages/routes-page.js';
import { RetrievalPage } from './pages/retrieval/retrieval-page.js';
import { InteractionDetailPage } from './pages/interactions/interaction-detail-page.js';
import { InteractionsPage } from './pages/interactions/interactions-page.js';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // Client errors (bad filter, forbidden, not found) will not heal by retrying.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

/** The dashboard: providers and the route table. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<Layout />}>
            <Route index element={<OverviewPage />} />
            <Route path="/interactions" element={<InteractionsPage />} />
            <Route path="/interactions/:id" element={<InteractionDetailPage />} />
            <Route path="/keys" element={<KeysPage />} />
            <Route path="/routes" element={<RoutesPage />} />
            <Route path="/people" element={<PeoplePage />} />
            <Route path="/prompts" element={<PromptsPage />} />
            <Route path="/prompts/*" element={<PromptDetailPage />} />
            <Route path="/queue" element={<QueuePage />} />
            <Route path="/batches" element={<BatchesPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/retrieval" element={<RetrievalPage />} />
            <Route path="/principals" element={<PrincipalsPage />} />
            <Route path="/principals/:id" element={<PrincipalDetailPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
