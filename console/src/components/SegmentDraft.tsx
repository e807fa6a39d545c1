// A segment's draft as JSON: edited here, saved as the draft (checked in full only on publish), so
// a marketer reads the API's problems with their JSON paths when it does not hold.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ROUTES } from '../../../src/contracts/routes';
import type { JsonObject } from '../../../src/contracts/schema-parts';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ProblemView } from './states';

/** The text as a JSON object, or why it is not one. */
function parse(text: string): { definition: JsonObject } | { error: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'must be a JSON object' };
    // What JSON.parse gives is JSON; only its being an object needed checking.
    return { definition: value as JsonObject };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function SegmentDraft(props: { segmentId: string; draft: unknown }) {
  const { key, canAct } = useSession();
  const queries = useQueryClient();
  const saved = JSON.stringify(props.draft, null, 2);
  const [text, setText] = useState(saved);
  const parsed = parse(text);
  const save = useMutation({
    mutationFn: (definition: JsonObject) =>
      call(key, ROUTES.segments.updateDraft, { id: props.segmentId }, { definition }),
    onSuccess: () => queries.invalidateQueries({ queryKey: [ROUTES.segments.get.path] }),
  });
  return (
    <section aria-label="Draft">
      <h2>Draft</h2>
      <label htmlFor="segment-draft">Definition (JSON)</label>
      <textarea
        id="segment-draft"
        rows={16}
        spellCheck={false}
        value={text}
        readOnly={!canAct}
        onChange={(e) => setText(e.target.value)}
      />
      {'error' in parsed && <p className="warning">Not JSON yet: {parsed.error}</p>}
      {save.isError && <ProblemView error={save.error} />}
      {canAct && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={'error' in parsed || text === saved || save.isPending}
            onClick={() => 'definition' in parsed && save.mutate(parsed.definition)}
          >
            {save.isPending ? 'Saving…' : 'Save draft'}
          </button>
          {text !== saved && <span className="muted">Unsaved changes</span>}
        </div>
      )}
    </section>
  );
}
