// Every message template, with its current version; a new one starts from a name.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTemplates } from '../api/queries';
import { useSession } from '../api/session';
import { Empty, Loading, ProblemView } from '../components/states';

export function TemplatesPage() {
  const templates = useTemplates();
  const { canAct } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  if (templates.isPending) return <Loading what="templates" />;
  if (templates.isError) return <ProblemView error={templates.error} />;
  return (
    <>
      <h1>Templates</h1>
      {templates.data.length === 0 && <Empty>No templates yet.</Empty>}
      <table>
        <tbody>
          {templates.data.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/templates/${encodeURIComponent(t.id)}`}>{t.id}</Link>
              </td>
              <td>{t.subject}</td>
              <td>v{t.version ?? '—'}</td>
              <td className="muted">{new Date(t.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canAct && (
        <form
          className="search"
          onSubmit={(e) => {
            e.preventDefault();
            void navigate(`/templates/${encodeURIComponent(name.trim())}`);
          }}
        >
          <input
            aria-label="New template id"
            placeholder="new-template-id"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={!name.trim()}>
            New template
          </button>
        </form>
      )}
    </>
  );
}
