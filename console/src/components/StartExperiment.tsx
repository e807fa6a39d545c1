// Start an A/B test of versions: variants (each a version with a weight), a holdout share that is
// never messaged, and the winner rule. The API validates it; a 4xx names the field.
import { useState } from 'react';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from './ConfirmAction';
import { NumberField } from './NumberField';

interface VariantRow {
  name: string;
  version: number;
  weight: number;
}

export function StartExperiment(props: { programId: string; versions: number[] }) {
  const { key } = useSession();
  const [variants, setVariants] = useState<VariantRow[]>(() =>
    props.versions.slice(-2).map((version, i) => ({ name: i === 0 ? 'control' : 'challenger', version, weight: 1 })),
  );
  const [holdoutPercent, setHoldoutPercent] = useState(10);
  const [minCustomers, setMinCustomers] = useState(100);
  const [minProbability, setMinProbability] = useState(0.95);
  const [autoPromote, setAutoPromote] = useState(false);
  const update = (i: number, change: Partial<VariantRow>) =>
    setVariants((rows) => rows.map((row, j) => (i === j ? { ...row, ...change } : row)));
  return (
    <ConfirmAction
      label="Start experiment"
      question="Split new entrants across these versions:"
      run={() =>
        call(
          key,
          ROUTES.experiments.start,
          { id: props.programId },
          {
            variants,
            holdout: holdoutPercent / 100,
            winnerRule: { minCustomersPerVariant: minCustomers, minProbability, autoPromote },
          },
        )
      }
    >
      <fieldset>
        <legend>Variants</legend>
        {variants.map((v, i) => (
          <div className="row" key={i}>
            <input
              aria-label={`Variant ${i + 1} name`}
              value={v.name}
              onChange={(e) => update(i, { name: e.target.value })}
            />
            <select
              aria-label={`Variant ${i + 1} version`}
              value={v.version}
              onChange={(e) => update(i, { version: Number(e.target.value) })}
            >
              {props.versions.map((version) => (
                <option key={version} value={version}>
                  v{version}
                </option>
              ))}
            </select>
            <input
              aria-label={`Variant ${i + 1} weight`}
              type="number"
              min={0}
              step="any"
              value={v.weight}
              onChange={(e) => update(i, { weight: Number(e.target.value) })}
            />
            <button type="button" onClick={() => setVariants((rows) => rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setVariants((rows) => [
              ...rows,
              { name: `variant-${rows.length + 1}`, version: props.versions.at(-1)!, weight: 1 },
            ])
          }
        >
          Add variant
        </button>
      </fieldset>
      <NumberField label="Holdout (%)" min={0} max={50} value={holdoutPercent} onChange={setHoldoutPercent} />
      <NumberField
        label="Customers per variant before a winner"
        min={1}
        value={minCustomers}
        onChange={setMinCustomers}
      />
      <NumberField
        label="Probability to beat the others"
        min={0.5}
        max={1}
        step={0.01}
        value={minProbability}
        onChange={setMinProbability}
      />
      <label>
        <input type="checkbox" checked={autoPromote} onChange={(e) => setAutoPromote(e.target.checked)} /> Promote the
        winner automatically
      </label>
    </ConfirmAction>
  );
}
