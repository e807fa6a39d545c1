// Start a staged rollout to a version: the plan (percent of customers and how long each step
// dwells) and the guardrails that roll it back. The API validates it; a 4xx names the field.
import { useState } from 'react';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from './ConfirmAction';
import { NumberField } from './NumberField';

const MINUTE = 60_000;

/** "5:60, 25:60, 100:60" (percent:minutes) as the API's plan; what does not parse goes as is, for the API to name. */
function planOf(text: string) {
  return text
    .split(',')
    .map((part) => part.trim().split(':'))
    .map(([percent, minutes]) => ({ percent: Number(percent), dwellMs: Math.round(Number(minutes) * MINUTE) }));
}

export function StartRollout(props: { programId: string; versions: number[] }) {
  const { key } = useSession();
  const [toVersion, setToVersion] = useState(props.versions.at(-1)!);
  const [plan, setPlan] = useState('5:60, 25:60, 50:60, 100:60');
  const [minSamples, setMinSamples] = useState(20);
  const [maxFailureIncrease, setMaxFailureIncrease] = useState(0.05);
  return (
    <ConfirmAction
      label="Start rollout"
      question="Move customers to a new version step by step, rolling back if a guardrail trips:"
      run={() =>
        call(
          key,
          ROUTES.rollouts.start,
          { id: props.programId },
          {
            toVersion,
            plan: planOf(plan),
            guardrails: { minSamples, maxIncrease: { sendFailureRate: maxFailureIncrease } },
          },
        )
      }
    >
      <label>
        To version{' '}
        <select value={toVersion} onChange={(e) => setToVersion(Number(e.target.value))}>
          {props.versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Plan (percent:minutes, …) <input value={plan} onChange={(e) => setPlan(e.target.value)} />
      </label>
      <NumberField label="Samples before judging" min={1} value={minSamples} onChange={setMinSamples} />
      <NumberField
        label="Largest rise in send failures"
        min={0}
        max={1}
        step={0.01}
        value={maxFailureIncrease}
        onChange={setMaxFailureIncrease}
      />
    </ConfirmAction>
  );
}
