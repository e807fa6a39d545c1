// The frame of every signed-in page: navigation, who is signed in, and the page.
import { NavLink, Outlet } from 'react-router';
import { useSession } from '../api/session';

const SECTIONS = [
  ['programs', 'Programs'],
  ['customers', 'Customers'],
  ['templates', 'Templates'],
  ['messages', 'Messages'],
  ['audit', 'Audit log'],
] as const;

export function Layout() {
  const { principal, signOut } = useSession();
  return (
    <div className="layout">
      <header>
        <strong className="brand">Kairos</strong>
        <nav aria-label="Sections">
          {SECTIONS.map(([path, label]) => (
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
