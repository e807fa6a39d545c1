// Segments as activities: the scheduled recompute (src/segments/refresh-segments.ts).
import { refreshSegments } from '../src/segments/refresh-segments';
import type { ActivityDeps } from './deps';

export function createSegmentActivities({ db, logger }: Pick<ActivityDeps, 'db' | 'logger'>) {
  return {
    async refreshSegments(): Promise<{ segments: number; entered: number; left: number }> {
      const { segments } = await refreshSegments(db, logger);
      return {
        segments: segments.length,
        entered: segments.reduce((n, s) => n + s.entered, 0),
        left: segments.reduce((n, s) => n + s.left, 0),
      };
    },
  };
}
