// One broadcast with its progress, refreshed while it runs: recipients at each stage as bars, the
// messages by status, why some were skipped, and pause, resume or cancel.
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { useBroadcast, type BroadcastDetail } from '../api/audience-queries';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Figure } from '../components/Figure';
import { Empty, Loading, ProblemView } from '../components/states';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** Recipients at each stage, from the snapshot of the segment to the messages sent. */
function stages(p: BroadcastDetail['progress']) {
  return [
    { stage: 'Targeted', recipients: p.targeted ?? 0 },
    { stage: 'Enqueued', recipients: p.enqueued },
    { stage: 'Delivered', recipients: p.delivered },
    { stage: 'Entered', recipients: p.entered },
    { stage: 'Sent', recipients: p.messages.sent ?? 0 },
    { stage: 'Finished', recipients: p.finished },
  ];
}

export function BroadcastPage() {
  const id = useParams().id!;
  const { key } = useSession();
  const broadcast = useBroadcast(id);
  if (broadcast.isPending) return <Loading what="the broadcast" />;
  if (broadcast.isError) return <ProblemView error={broadcast.error} />;
  const b = broadcast.data;
  const p = b.progress;
  const open = b.status !== 'completed' && b.status !== 'cancelled';
  return (
    <>
      <h1>
        {b.name} <span className={`status status-${b.status}`}>{b.status}</span>
      </h1>
      <p className="muted">
        {b.id} · segment {b.segmentId} · template {b.templateId} · {b.sendAt ? `at ${when(b.sendAt)}` : 'now'}
        {` · started ${when(b.startedAt)} · finished ${when(b.finishedAt)} · by ${b.createdBy}`}
      </p>
      {open && (
        <div className="release-actions" role="toolbar" aria-label="Broadcast actions">
          {b.status === 'paused' ? (
            <ConfirmAction
              label="Resume"
              question="Carry on sending?"
              run={() => call(key, ROUTES.broadcasts.resume, { id })}
            />
          ) : (
            <ConfirmAction
              label="Pause"
              question="Stop enqueuing and hold the sends not yet made, until resumed?"
              run={() => call(key, ROUTES.broadcasts.pause, { id })}
            />
          )}
          <ConfirmAction
            label="Cancel broadcast"
            danger
            question="End this broadcast for good? Nothing more is enqueued or sent."
            run={() => call(key, ROUTES.broadcasts.cancel, { id })}
          />
        </div>
      )}
      <section aria-label="Progress" className="figures">
        <Figure label="Targeted" value={p.targeted ?? '—'} />
        <Figure label="Enqueued" value={p.enqueued} />
        <Figure label="Sent" value={p.messages.sent ?? 0} />
        <Figure label="Skipped" value={p.messages.skipped ?? 0} />
        <Figure label="Unreached" value={p.unreached ?? '—'} />
      </section>
      <figure className="chart" aria-label="Recipients by stage">
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={stages(p)} layout="vertical" margin={{ left: 24, right: 48 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="stage" width={80} />
            <Tooltip />
            <Bar dataKey="recipients" fill="#2563eb" isAnimationActive={false}>
              <LabelList dataKey="recipients" position="right" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <section aria-label="Skipped and failed">
        <h2>Skipped and failed, by reason</h2>
        {p.reasons.length === 0 ? (
          <Empty>None.</Empty>
        ) : (
          <table>
            <tbody>
              {p.reasons.map((r) => (
                <tr key={r.status + r.reason}>
                  <td>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </td>
                  <td>{r.reason}</td>
                  <td className="number">{r.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
