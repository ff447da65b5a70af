import { lazy } from 'solid-js';
import { Navigate, Route, Router } from '@solidjs/router';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { errorCode } from './trpc.ts';
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

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retry only when the server never answered (network); a tRPC error code is final.
      retry: (failures, error) => failures < 3 && errorCode(error) === undefined,
    },
    mutations: { retry: false },
  },
});

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
          </Route>
        </Route>
        <Route path="*" component={() => <Navigate href="/" />} />
      </Router>
    </QueryClientProvider>
  );
}
