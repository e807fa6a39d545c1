// Loading, empty and error states, the same on every page.
import { ApiError } from '../api/client';

export function Loading(props: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

export function Empty(props: { children: React.ReactNode }) {
  return <p className="empty">{props.children}</p>;
}

/** An API problem in words: its title, its detail, and each field it names with the reason. */
export function ProblemView(props: { error: unknown }) {
  const { error } = props;
  if (!(error instanceof ApiError))
    return (
      <div className="problem" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </div>
    );
  const { problem } = error;
  return (
    <div className="problem" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail && <span> — {problem.detail}</span>}
      {problem.requiredScope && <span> (this needs an API key with the {problem.requiredScope} scope)</span>}
      {problem.errors && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
