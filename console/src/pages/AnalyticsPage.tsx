// Customer analytics over a period: the RACE figures, trends beside the period before, the funnel,
// geography, and the cohorts by first purchase or first seen (by month, chosen on their own).
import { useState } from 'react';
import { CohortsView } from '../analytics/CohortsView';
import { FunnelView } from '../analytics/FunnelView';
import { GeographyView } from '../analytics/GeographyView';
import { lastDays } from '../analytics/period';
import { RaceView } from '../analytics/RaceView';
import { TrendsView } from '../analytics/TrendsView';

export function AnalyticsPage() {
  const [period, setPeriod] = useState(lastDays(30));
  return (
    <>
      <h1>Analytics</h1>
      <div className="toolbar" role="group" aria-label="Period">
        <label>
          From{' '}
          <input type="date" value={period.from} onChange={(e) => setPeriod({ ...period, from: e.target.value })} />
        </label>
        <label>
          To <input type="date" value={period.to} onChange={(e) => setPeriod({ ...period, to: e.target.value })} />
        </label>
        <span className="muted">UTC days, both included</span>
      </div>
      <RaceView period={period} />
      <TrendsView period={period} />
      <FunnelView period={period} />
      <GeographyView period={period} />
      <CohortsView />
    </>
  );
}
