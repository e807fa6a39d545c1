// Edit a template's Liquid with a live preview rendered for a real customer, save it as its next
// version, send a test, and read its version history.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { ApiError, call } from '../api/client';
import { useTemplate, useTemplateVersions } from '../api/queries';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Loading, ProblemView } from '../components/states';

/** The text a preview is asked for, a moment after typing stops. */
function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function TemplatePage() {
  const id = useParams().id!;
  const { key, canAct } = useSession();
  const template = useTemplate(id);
  const versions = useTemplateVersions(id);
  const [draft, setDraft] = useState<{ subject: string; body: string }>();
  const [customerId, setCustomerId] = useState('');
  const [testTo, setTestTo] = useState('');
  const isNew = template.error instanceof ApiError && template.error.problem.status === 404;
  useEffect(() => {
    if (template.data && !draft) setDraft({ subject: template.data.subject, body: template.data.body });
    if (isNew && !draft) setDraft({ subject: '', body: '' });
  }, [template.data, isNew, draft]);
  const settled = useSettled({ draft, customerId: customerId.trim() });
  const preview = useQuery({
    queryKey: ['preview', id, settled],
    queryFn: () =>
      call(key, ROUTES.templates.preview, { id }, { customerId: settled.customerId, draft: settled.draft }),
    enabled: Boolean(settled.customerId && settled.draft?.subject && settled.draft.body),
    retry: false,
  });

  if (template.isPending) return <Loading what="the template" />;
  if (template.isError && !isNew) return <ProblemView error={template.error} />;
  if (!draft) return <Loading what="the editor" />;
  return (
    <>
      <h1>
        Template {id} {template.data && <span className="muted">v{template.data.version ?? '—'}</span>}
      </h1>
      <div className="columns">
        <section aria-label="Editor">
          <label htmlFor="subject">Subject</label>
          <input
            id="subject"
            value={draft.subject}
            readOnly={!canAct}
            onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
          />
          <label htmlFor="body">Body (Liquid, HTML)</label>
          <textarea
            id="body"
            rows={18}
            value={draft.body}
            readOnly={!canAct}
            onChange={(e) => setDraft({ ...draft, body: e.target.value })}
          />
          <div className="actions">
            <ConfirmAction
              label="Save"
              question={`Save this as the next version of ${id}? Journeys send it from their next message on.`}
              run={() => call(key, ROUTES.templates.save, { id }, { channel: 'email', ...draft })}
            />
          </div>
        </section>
        <section aria-label="Preview">
          <label htmlFor="preview-customer">Preview for customer id</label>
          <input id="preview-customer" value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
          {preview.isError && <ProblemView error={preview.error} />}
          {preview.data && (
            <div className="preview">
              <p>
                <b>Subject:</b> <span data-testid="preview-subject">{preview.data.subject}</span>
              </p>
              <iframe title="Rendered email" sandbox="" srcDoc={preview.data.html} />
            </div>
          )}
          {!customerId.trim() && <p className="muted">Give a customer id to render the template for them.</p>}
          {canAct && (
            <div className="test-send">
              <label htmlFor="test-to">Send a test to</label>
              <input id="test-to" type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} />
              <ConfirmAction
                label="Send test"
                question={`Email the saved version of ${id} to ${testTo || '…'}, subject marked [Test]?`}
                run={() =>
                  call(
                    key,
                    ROUTES.templates.testSend,
                    { id },
                    { to: testTo, customerId: customerId.trim() || undefined },
                  )
                }
              />
            </div>
          )}
        </section>
      </div>
      <section aria-label="Versions">
        <h2>Versions</h2>
        {versions.isError && !isNew && <ProblemView error={versions.error} />}
        <ol reversed>
          {versions.data?.map((v) => (
            <li key={v.version}>
              v{v.version} · {new Date(v.createdAt).toLocaleString()} · {v.subject}{' '}
              {canAct && (
                <button type="button" onClick={() => setDraft({ subject: v.subject, body: v.body })}>
                  Load into editor
                </button>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
