// The flowchart of a program version: one node per step and one edge per next pointer, laid out
// top to bottom by dagre. Nothing is placed by hand.
import dagre from '@dagrejs/dagre';
import type { Edge, Node } from '@xyflow/react';
import { pointers } from '../../../src/programs/graph';
import type { ProgramDefinition, Step } from '../../../src/contracts/program-language/types';
import { edgeLabel } from './describe';

export const NODE_WIDTH = 260;
const LINE_HEIGHT = 18;

/** How a step differs from the version it is compared with. */
export type Change = 'added' | 'removed' | 'changed' | undefined;

export interface StepNodeData extends Record<string, unknown> {
  id: string;
  step: Step;
  isStart: boolean;
  change: Change;
}

/** A node tall enough for its settings and counts, so dagre spaces them without overlaps. */
const heightOf = (step: Step) =>
  96 + LINE_HEIGHT * (step.kind === 'branch' ? step.cases.length : 2) + (step.kind === 'send' ? 2 * LINE_HEIGHT : 0);

export function layoutProgram(
  definition: ProgramDefinition,
  changes: Record<string, Change> = {},
  removed: Record<string, Step> = {},
): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const steps: Record<string, Step> = { ...removed, ...definition.steps };
  const graph = new dagre.graphlib.Graph().setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const [id, step] of Object.entries(steps)) graph.setNode(id, { width: NODE_WIDTH, height: heightOf(step) });
  const edges: Edge[] = [];
  for (const [from, step] of Object.entries(steps)) {
    for (const pointer of pointers(step)) {
      if (!Object.hasOwn(steps, pointer.to)) continue;
      graph.setEdge(from, pointer.to);
      edges.push({
        id: `${from}->${pointer.to}@${pointer.at.join('.')}`,
        source: from,
        target: pointer.to,
        label: edgeLabel(step, pointer.at),
      });
    }
  }
  dagre.layout(graph);
  const nodes = Object.entries(steps).map(([id, step]): Node<StepNodeData> => {
    const { x, y, height } = graph.node(id);
    return {
      id,
      type: 'step',
      position: { x: x - NODE_WIDTH / 2, y: y - height / 2 },
      data: { id, step, isStart: id === definition.start, change: changes[id] },
      draggable: false,
    };
  });
  return { nodes, edges };
}
