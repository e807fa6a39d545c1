// One customer: profile and identifiers, computed traits, the segments they are and were in, recent
// events, the journeys they are in and when each wakes next, and the trace timeline that says why
// an email went out or did not.
import { Link, useParams } from 'react-router';
import { useCustomerSegments } from '../api/audience-queries';
import { useCustomer, useJourney, useTrace } from '../api/queries';
import { ComputedTraits } from '../components/ComputedTraits';
import { Empty, Loading, ProblemView } from '../components/states';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function CustomerPage() {
  const id = useParams().id!;
  const customer = useCustomer(id);
  const journey = useJourney(id);
  const trace = useTrace(id);
  const spells = useCustomerSegments(id);
  if (customer.isPending) return <Loading what="the customer" />;
  if (customer.isError) return <ProblemView error={customer.error} />;
  const c = customer.data;
  return (
    <>
      <h1>Customer {c.id}</h1>
      <div className="columns">
        <section aria-label="Profile">
          <h2>Profile</h2>
          <dl className="pairs">
            {c.identifiers.map((i) => (
              <div key={i.kind + i.value}>
                <dt>{i.kind}</dt>
                <dd>{i.value}</dd>
              </div>
            ))}
            <div>
              <dt>time zone</dt>
              <dd>{c.timezone ?? '—'}</dd>
            </div>
            <div>
              <dt>tags</dt>
              <dd>{c.tags.join(', ') || '—'}</dd>
            </div>
          </dl>
          <h3>Profile traits</h3>
          <pre>{JSON.stringify(c.traits, null, 2)}</pre>
        </section>
        <section aria-label="Journeys">
          <h2>Journeys now</h2>
          {journey.isError && <ProblemView error={journey.error} />}
          {journey.data && journey.data.enrollments.length === 0 && <Empty>In no program right now.</Empty>}
          <ul>
            {journey.data?.enrollments.map((e) => (
              <li key={e.id}>
                <b>{e.programId}</b> v{e.version}
                {e.variant && ` (${e.variant})`} at <code>{e.stepId}</code>
                {e.waitingFor && ` waiting for ${e.waitingFor}`} · wakes {when(e.wakeAt)}
              </li>
            ))}
          </ul>
          {journey.data && <p className="muted">Next wake-up: {when(journey.data.nextWakeAt)}</p>}
        </section>
      </div>
      <ComputedTraits traits={c.computedTraits} />
      <section aria-label="Segments">
        <h2>Segments</h2>
        {spells.isError && <ProblemView error={spells.error} />}
        {spells.data?.length === 0 && <Empty>In no segment, now or before.</Empty>}
        <ul>
          {spells.data?.map((s) => (
            <li
              key={`${s.segmentId}:${s.spell}`}
              data-segment={s.segmentId}
              className={s.current ? 'current' : 'muted'}
            >
              <Link to={`/segments/${encodeURIComponent(s.segmentId)}`}>{s.segmentId}</Link> v{s.version} · entered{' '}
              {when(s.enteredAt)}
              {s.current ? ' · in it now' : ` · left ${when(s.leftAt)}`}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Recent events">
        <h2>Recent events</h2>
        {c.events.length === 0 && <Empty>No events yet.</Empty>}
        <table>
          <tbody>
            {c.events.map((e) => (
              <tr key={e.id}>
                <td>{when(e.occurredAt)}</td>
                <td>{e.type}</td>
                <td>
                  <code>{JSON.stringify(e.properties)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Trace">
        <h2>Trace</h2>
        {trace.isPending && <Loading what="the trace" />}
        {trace.isError && <ProblemView error={trace.error} />}
        {trace.data?.warnings.map((w) => (
          <p key={w} className="warning">
            {w}
          </p>
        ))}
        <ol className="timeline">
          {trace.data?.entries.map((e, i) => (
            <li key={i} className={`trace-${e.kind}`}>
              <time dateTime={e.at}>{when(e.at)}</time> <span className="kind">{e.kind}</span>
              {e.program && <b> {e.program}</b>}
              {e.step && <code> {e.step}</code>} {e.summary}
            </li>
          ))}
          {trace.data?.pending.map((p, i) => (
            <li key={`pending-${i}`} className="pending">
              <time>{when(p.wakeAt)}</time> <span className="kind">{p.kind}</span> {p.summary}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
