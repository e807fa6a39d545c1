// The RACE view: customers reached, who acted, who converted and who came back, in the period.
import { useRace } from '../api/analytics-queries';
import { Figure } from '../components/Figure';
import { Loading, ProblemView } from '../components/states';

export function RaceView(props: { period: { from: string; to: string } }) {
  const race = useRace(props.period);
  return (
    <section aria-label="RACE">
      <h2>Reach, act, convert, engage</h2>
      {race.isPending && <Loading what="the RACE figures" />}
      {race.isError && <ProblemView error={race.error} />}
      {race.data && (
        <div className="figures">
          <Figure label="Reach" value={race.data.reach.messaged} note={`${race.data.reach.delivered} delivered`} />
          <Figure
            label="Act"
            value={race.data.act.customers}
            note={`${race.data.act.emailEngaged} opened or clicked · ${race.data.act.visited} visited`}
          />
          <Figure label="Convert" value={race.data.convert.customers} note="ordered" />
          <Figure label="Engage" value={race.data.engage.customers} note="ordered again" />
        </div>
      )}
    </section>
  );
}
