// A program version as a flowchart (React Flow), laid out by dagre, with each step's live counts.
import { Background, Controls, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './Flowchart.css';
import { useMemo } from 'react';
import type { ProgramDefinition, Step } from '../../../src/contracts/program-language/types';
import type { StepCounts } from '../api/queries';
import { layoutProgram, type Change } from '../program/layout';
import { StepNode, type StepNodeType } from './StepNode';

const nodeTypes = { step: StepNode };

export function Flowchart(props: {
  definition: ProgramDefinition;
  counts: Record<string, StepCounts> | undefined;
  changes?: Record<string, Change>;
  removed?: Record<string, Step>;
}) {
  const { definition, counts, changes, removed } = props;
  const layout = useMemo(() => layoutProgram(definition, changes, removed), [definition, changes, removed]);
  const nodes: StepNodeType[] = layout.nodes.map((n) => ({
    ...n,
    type: 'step',
    data: { ...n.data, counts: counts?.[n.id], timezone: definition.timezone },
  }));
  return (
    <div className="flowchart" role="figure" aria-label={`Flowchart of ${definition.name}`}>
      <ReactFlow
        nodes={nodes}
        edges={layout.edges}
        nodeTypes={nodeTypes}
        fitView
        nodesConnectable={false}
        nodesDraggable={false}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
