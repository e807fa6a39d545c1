// One program: the flowchart of a chosen version with live counts on every step, the goal and
// its conversions, the difference from another version on the graph, and the release actions.
import { useState } from 'react';
import { useParams } from 'react-router';
import { useAnalytics, useDiff, useProgram, useVersion } from '../api/queries';
import { Flowchart } from '../components/Flowchart';
import { ReleaseActions } from '../components/ReleaseActions';
import { ReleasesPanel } from '../components/ReleasesPanel';
import { Loading, ProblemView } from '../components/states';
import { changesOf } from '../program/changes';

export function ProgramPage() {
  const id = useParams().id!;
  const program = useProgram(id);
  const analytics = useAnalytics(id);
  const [picked, setPicked] = useState<number>();
  const [compareWith, setCompareWith] = useState<number>();
  const latest = program.data?.versions.at(-1)?.version;
  const version = picked ?? program.data?.liveVersion ?? latest;
  const shown = useVersion(id, version);
  const other = useVersion(id, compareWith);
  const diff = useDiff(id, compareWith, version);

  if (program.isPending) return <Loading what="the program" />;
  if (program.isError) return <ProblemView error={program.error} />;
  const p = program.data;
  const stats = analytics.data?.versions.filter((v) => v.version === version) ?? [];
  const counts = stats.length === 1 ? stats[0]!.steps : mergeVariants(stats.map((s) => s.steps));
  const changes = diff.data && other.definition ? changesOf(diff.data, other.definition) : undefined;

  return (
    <>
      <h1>
        {p.name} <span className={`status status-${p.status}`}>{p.status}</span>
      </h1>
      <p className="muted">
        {p.id} · live version {p.liveVersion ?? 'none'} · {p.versions.length} published
      </p>
      <ReleaseActions program={p} />
      {p.versions.length === 0 ? (
        <p className="empty">No version published yet: publish the draft to see its flowchart.</p>
      ) : (
        <section aria-label="Flowchart">
          <div className="toolbar">
            <label>
              Version{' '}
              <select value={version} onChange={(e) => setPicked(Number(e.target.value))}>
                {p.versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                    {v.version === p.liveVersion ? ' (live)' : ''}
                    {v.retiredAt ? ' (retired)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Compare with{' '}
              <select
                value={compareWith ?? ''}
                onChange={(e) => setCompareWith(e.target.value ? Number(e.target.value) : undefined)}
              >
                <option value="">—</option>
                {p.versions
                  .filter((v) => v.version !== version)
                  .map((v) => (
                    <option key={v.version} value={v.version}>
                      v{v.version}
                    </option>
                  ))}
              </select>
            </label>
            {stats[0] && (
              <span className="totals" aria-label="Version totals">
                entered <b>{sum(stats, 'entered')}</b> · in it now <b>{sum(stats, 'active')}</b> · completed{' '}
                <b>{sum(stats, 'completed')}</b> · converted{' '}
                <b>{stats.reduce((n, s) => n + s.conversions.converted, 0)}</b>
              </span>
            )}
          </div>
          {shown.definition?.goal && (
            <p className="goal">
              Goal: <b>{shown.definition.goal.event.type}</b> within {shown.definition.goal.window}
            </p>
          )}
          {diff.isError && <ProblemView error={diff.error} />}
          {shown.isError && <ProblemView error={shown.error} />}
          {shown.definition ? (
            <Flowchart
              definition={shown.definition}
              counts={counts}
              changes={changes?.changes}
              removed={changes?.removed}
            />
          ) : (
            <Loading what="the flowchart" />
          )}
        </section>
      )}
      <ReleasesPanel programId={p.id} />
    </>
  );
}

type Stats = NonNullable<ReturnType<typeof useAnalytics>['data']>['versions'][number];

const sum = (stats: Stats[], key: 'entered' | 'active' | 'completed') => stats.reduce((n, s) => n + s[key], 0);

/** A version run as an experiment has counts per variant; the flowchart shows their total. */
function mergeVariants(all: Stats['steps'][]): Stats['steps'] {
  const total: Stats['steps'] = {};
  for (const steps of all)
    for (const [id, c] of Object.entries(steps)) {
      const t = (total[id] ??= { arrived: 0, visits: 0, waitingNow: 0, exits: {}, sends: undefined });
      t.arrived += c.arrived;
      t.visits += c.visits;
      t.waitingNow += c.waitingNow;
      for (const [reason, n] of Object.entries(c.exits)) t.exits[reason] = (t.exits[reason] ?? 0) + n;
      if (c.sends) {
        const s = (t.sends ??= { sent: 0, failed: 0, skipped: {} });
        s.sent += c.sends.sent;
        s.failed += c.sends.failed;
        for (const [reason, n] of Object.entries(c.sends.skipped)) s.skipped[reason] = (s.skipped[reason] ?? 0) + n;
      }
    }
  return total;
}
