import { lazy } from 'solid-js';
import { Navigate, Route, Router } from '@solidjs/router';
import { QueryClientProvider } from '@tanstack/solid-query';
import { queryClient } from './offline/query-client.ts';
import SignedIn from './signed-in.tsx';
import Login from './pages/login.tsx';
import Forgot from './pages/forgot.tsx';
import SetPassword from './pages/set-password.tsx';
import Setup from './pages/setup.tsx';
import Workspace from './workspace/shell/layout.tsx';

// Each screen is its own chunk: the first load carries the shell only.
const QueuePage = lazy(() => import('./workspace/queue/queue-page.tsx'));
const ConversationPage = lazy(() => import('./workspace/conversation/conversation-page.tsx'));
const ContactsPage = lazy(() => import('./workspace/contacts/contacts-page.tsx'));
const AgentsPage = lazy(() => import('./workspace/chat/agents-page.tsx'));
const ProfilePage = lazy(() => import('./workspace/shell/profile-page.tsx'));
const AdminPage = lazy(() => import('./admin/admin-page.tsx'));
const SearchPage = lazy(() => import('./workspace/search/search-page.tsx'));
const ReportsPage = lazy(() => import('./reports/reports-page.tsx'));
const HistoryPage = lazy(() => import('./workspace/history/history-page.tsx'));
const TranscriptPage = lazy(() => import('./workspace/history/transcript-page.tsx'));

export { queryClient };

export default function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Router>
        <Route path="/login" component={Login} />
        <Route path="/forgot" component={Forgot} />
        <Route path="/set-password" component={SetPassword} />
        <Route path="/setup" component={Setup} />
        <Route component={SignedIn}>
          <Route component={Workspace}>
            <Route path="/" component={QueuePage} />
            <Route path="/in-service" component={QueuePage} />
            <Route path="/conversations/:id" component={ConversationPage} />
            <Route path={['/contacts', '/contacts/:contactId', '/channels/:channelId']} component={ContactsPage} />
            <Route path={['/agents', '/chat/:roomId']} component={AgentsPage} />
            <Route path="/profile" component={ProfilePage} />
            <Route path="/search" component={SearchPage} />
            <Route path={['/admin', '/admin/*rest']} component={AdminPage} />
            <Route path="/reports" component={ReportsPage} />
            <Route path="/history" component={HistoryPage} />
            <Route path="/history/:conversationId" component={TranscriptPage} />
          </Route>
        </Route>
        <Route path="*" component={() => <Navigate href="/" />} />
      </Router>
    </QueryClientProvider>
  );
}
