// A labelled number input for the release forms; the API checks the value and names it if wrong.
export function NumberField(props: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  step?: number;
}) {
  const { label, value, onChange, ...limits } = props;
  return (
    <label>
      {label} <input type="number" {...limits} value={value} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}
