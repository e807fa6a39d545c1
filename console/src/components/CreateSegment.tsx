// Create a segment from an id and a name; its draft starts as an example condition to edit on
// the segment's page, where it is validated in full on publish.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from './ConfirmAction';

/** "Bought at least twice in the last 30 days": a start that shows the language's shape. */
const starter = (name: string) => ({
  name,
  condition: { events: { type: 'purchase', within: '30d', count: { gte: 2 } } },
});

export function CreateSegment() {
  const { key } = useSession();
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  return (
    <div className="release-actions">
      <ConfirmAction
        label="New segment"
        question="Create a segment with a draft to edit and publish."
        run={async () => {
          await call(key, ROUTES.segments.create, {}, { id, definition: starter(name || id) });
          await navigate(`/segments/${encodeURIComponent(id)}`);
        }}
      >
        <label>
          Id <input value={id} onChange={(e) => setId(e.target.value)} placeholder="repeat-buyers" />
        </label>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Repeat buyers" />
        </label>
      </ConfirmAction>
    </div>
  );
}
