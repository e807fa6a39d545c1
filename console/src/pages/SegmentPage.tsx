// One segment: how many customers are in it now, its draft as JSON to edit and publish, its
// versions, and its persona.
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { useSegment } from '../api/audience-queries';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Figure } from '../components/Figure';
import { PersonaPanel } from '../components/PersonaPanel';
import { SegmentDraft } from '../components/SegmentDraft';
import { Loading, ProblemView } from '../components/states';

export function SegmentPage() {
  const id = useParams().id!;
  const { key } = useSession();
  const segment = useSegment(id);
  if (segment.isPending) return <Loading what="the segment" />;
  if (segment.isError) return <ProblemView error={segment.error} />;
  const s = segment.data;
  const status = s.archivedAt ? 'archived' : s.currentVersion === null ? 'draft' : 'live';
  return (
    <>
      <h1>
        {s.name} <span className={`status status-${status}`}>{status}</span>
      </h1>
      <p className="muted">
        {s.id} · {s.versions.length} published · last full recompute{' '}
        {s.computedAt ? `${new Date(s.computedAt).toLocaleString()} (v${s.computedVersion})` : 'not yet'}
      </p>
      {!s.archivedAt && (
        <div className="release-actions" role="toolbar" aria-label="Segment actions">
          <ConfirmAction
            label="Publish"
            question={`Publish the draft of ${s.name} as its next version? It is validated in full, then evaluated.`}
            run={() => call(key, ROUTES.segments.publish, { id })}
          />
          <ConfirmAction
            label="Archive"
            danger
            question={`Archive ${s.name}? It is evaluated no more, and every member leaves it (segment_left).`}
            run={() => call(key, ROUTES.segments.archive, { id })}
          />
        </div>
      )}
      <section aria-label="Size" className="figures">
        <Figure label="Members now" value={s.members} />
        <Figure label="Evaluated version" value={s.currentVersion === null ? '—' : `v${s.currentVersion}`} />
      </section>
      <div className="columns">
        <SegmentDraft segmentId={s.id} draft={s.draft} />
        <section aria-label="Versions">
          <h2>Versions</h2>
          <ol reversed>
            {[...s.versions].reverse().map((v) => (
              <li key={v.version}>
                v{v.version} · {new Date(v.createdAt).toLocaleString()}
                {v.eventTypes.length > 0 && ` · counts ${v.eventTypes.join(', ')}`}
                {v.readsCustomer && ' · reads the profile or traits'}
                {v.scheduled && ' · kept by the schedule'}
              </li>
            ))}
          </ol>
        </section>
      </div>
      {s.currentVersion !== null && <PersonaPanel segmentId={s.id} members={s.members} />}
    </>
  );
}
