// One step on the flowchart: its id and kind, its key settings in words, and its live counts.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { stepSettings } from '../program/describe';
import { NODE_WIDTH, type StepNodeData } from '../program/layout';
import type { StepCounts } from '../api/queries';

export type StepNodeType = Node<StepNodeData & { counts?: StepCounts; timezone: string }, 'step'>;

const reasons = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');

export function StepNode({ data }: NodeProps<StepNodeType>) {
  const { step, counts } = data;
  return (
    <div
      className={`step-node kind-${step.kind}${data.change ? ` change-${data.change}` : ''}`}
      style={{ width: NODE_WIDTH }}
      data-step={data.id}
      aria-label={`Step ${data.id}`}
    >
      <Handle type="target" position={Position.Top} />
      <div className="step-title">
        <strong>{data.id}</strong> <span className="kind">{step.kind}</span>
        {data.isStart && <span className="badge">start</span>}
        {data.change && <span className={`badge change-${data.change}`}>{data.change}</span>}
      </div>
      <ul className="settings">
        {stepSettings(step, { timezone: data.timezone }).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <dl className="counts">
        <dt>entered</dt>
        <dd data-count="entered">{counts?.arrived ?? 0}</dd>
        <dt>waiting</dt>
        <dd data-count="waiting">{counts?.waitingNow ?? 0}</dd>
        <dt>completed</dt>
        <dd data-count="completed">{counts?.visits ?? 0}</dd>
        {counts && reasons(counts.exits) && (
          <>
            <dt>exits</dt>
            <dd data-count="exits">{reasons(counts.exits)}</dd>
          </>
        )}
        {step.kind === 'send' && (
          <>
            <dt>sent</dt>
            <dd data-count="sent">{counts?.sends?.sent ?? 0}</dd>
            <dt>failed</dt>
            <dd data-count="failed">{counts?.sends?.failed ?? 0}</dd>
            {counts?.sends && reasons(counts.sends.skipped) && (
              <>
                <dt>skipped</dt>
                <dd data-count="skipped">{reasons(counts.sends.skipped)}</dd>
              </>
            )}
          </>
        )}
      </dl>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}
