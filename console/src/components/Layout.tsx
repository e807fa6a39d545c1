// The frame of every signed-in page: navigation, who is signed in, and the page.
import { NavLink, Outlet } from 'react-router';
import { useSession } from '../api/session';

const SECTIONS = [
  ['programs', 'Programs'],
  ['customers', 'Customers'],
  ['segments', 'Segments'],
  ['broadcasts', 'Broadcasts'],
  ['analytics', 'Analytics'],
  ['templates', 'Templates'],
  ['messages', 'Messages'],
  ['audit', 'Audit log'],
] as const;

/** Imports are an admin's routes: a read-only key is not shown a page it would be refused. */
const ADMIN_SECTIONS = [['imports', 'Imports']] as const;

export function Layout() {
  const { principal, signOut, canAct } = useSession();
  return (
    <div className="layout">
      <header>
        <strong className="brand">Kairos</strong>
        <nav aria-label="Sections">
          {[...SECTIONS, ...(canAct ? ADMIN_SECTIONS : [])].map(([path, label]) => (
            <NavLink key={path} to={`/${path}`}>
              {label}
            </NavLink>
          ))}
        </nav>
        <span className="who">
          {principal.keyId} · {principal.scopes.join(', ')}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
