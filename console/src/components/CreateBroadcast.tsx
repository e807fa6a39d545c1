// Create a broadcast: a name, a segment, a template, and now or a time. The API checks that the
// segment and template exist and the time is ahead, and names the field when one does not hold.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { useSegments } from '../api/audience-queries';
import { send } from '../api/client';
import { useTemplates } from '../api/queries';
import { useSession } from '../api/session';
import { ConfirmAction } from './ConfirmAction';

export function CreateBroadcast() {
  const { key } = useSession();
  const navigate = useNavigate();
  const segments = useSegments();
  const templates = useTemplates();
  const [name, setName] = useState('');
  const [segmentId, setSegmentId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [sendAt, setSendAt] = useState('');
  const segment = segmentId || segments.data?.find((s) => s.currentVersion !== null && !s.archivedAt)?.id || '';
  const template = templateId || templates.data?.[0]?.id || '';
  return (
    <div className="release-actions">
      <ConfirmAction
        label="New broadcast"
        question="Email a template to a segment's members, under the same caps, quiet hours and consent as journeys."
        run={async () => {
          const body = {
            name,
            segmentId: segment,
            templateId: template,
            // datetime-local is the browser's local time; the API takes an instant.
            sendAt: sendAt ? new Date(sendAt).toISOString() : undefined,
          };
          const created = await send(key, ROUTES.broadcasts.create, {}, JSON.stringify(body), 'application/json', 201);
          await navigate(`/broadcasts/${encodeURIComponent(created.id)}`);
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Segment{' '}
          <select value={segment} onChange={(e) => setSegmentId(e.target.value)}>
            {segments.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Template{' '}
          <select value={template} onChange={(e) => setTemplateId(e.target.value)}>
            {templates.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Send at (empty: now){' '}
          <input type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} />
        </label>
      </ConfirmAction>
    </div>
  );
}
