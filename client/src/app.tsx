import { Navigate, Route, Router } from '@solidjs/router';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { errorCode } from './trpc.ts';
import SignedIn from './signed-in.tsx';
import Login from './pages/login.tsx';
import Forgot from './pages/forgot.tsx';
import SetPassword from './pages/set-password.tsx';
import Setup from './pages/setup.tsx';
import Home from './pages/home.tsx';

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
          <Route path="/" component={Home} />
        </Route>
        <Route path="*" component={() => <Navigate href="/" />} />
      </Router>
    </QueryClientProvider>
  );
}
