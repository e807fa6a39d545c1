// One headline number with its label (and, when given, what it compares with), found by a test
// and read by a marketer by that label.
export function Figure(props: { label: string; value: string | number; note?: string }) {
  return (
    <div className="figure" role="group" aria-label={props.label}>
      <div className="figure-value">{props.value}</div>
      <div className="muted">{props.label}</div>
      {props.note && <div className="muted figure-note">{props.note}</div>}
    </div>
  );
}
