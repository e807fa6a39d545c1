// Who is signed in: the API key, kept in sessionStorage (this tab, until it closes) and the scopes
// the API says it holds. `read` sees; `admin` also acts, so action buttons ask `canAct`.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { ROUTES } from '../../../src/contracts/routes';
import { call, type Answer } from './client';

const STORAGE_KEY = 'kairos.apiKey';

export type Principal = Answer<typeof ROUTES.apiKeys.whoami>;

interface Session {
  key: string;
  principal: Principal;
  canAct: boolean;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);
const SignInContext = createContext<(key: string) => Promise<void>>(async () => undefined);

export function SessionProvider(props: { children: (session: Session | null) => ReactNode }) {
  const [state, setState] = useState<{ key: string; principal: Principal } | null>(null);
  const session: Session | null = state && {
    ...state,
    canAct: state.principal.scopes.includes('admin'),
    signOut() {
      sessionStorage.removeItem(STORAGE_KEY);
      setState(null);
    },
  };
  // Stable across renders: the sign-in page's effect (a reload signing in again) depends on it.
  const signIn = useCallback(async (key: string) => {
    const principal = await call(key, ROUTES.apiKeys.whoami);
    sessionStorage.setItem(STORAGE_KEY, key);
    setState({ key, principal });
  }, []);
  return (
    <SignInContext.Provider value={signIn}>
      <SessionContext.Provider value={session}>{props.children(session)}</SessionContext.Provider>
    </SignInContext.Provider>
  );
}

/** The key a reload of the tab should sign in with again. */
export const storedKey = () => sessionStorage.getItem(STORAGE_KEY);

export const useSignIn = () => useContext(SignInContext);

/** The signed-in session; pages below the sign-in gate always have one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
