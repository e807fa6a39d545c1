// `kairos deploy describe` as text: the routing, each version's open workflows split into pinned
// (they need that build's workers) and auto-upgrade (they move at their next task), and for each
// build that is neither current nor ramping whether its workers can stop. The same description is
// what `--json` prints (checked against the dev server in test/integration/worker-versioning.test.ts).
import { renderDeployment } from '../../src/cli/commands/deploy-command';
import type { DeploymentDescription } from '../../src/temporal/worker-deployment';

const created = '2026-03-01T09:00:00.000Z';
const description: DeploymentDescription = {
  deploymentName: 'kairos',
  current: 'b2c3d4e5f6a7',
  ramping: { buildId: 'c3d4e5f6a7b8', percentage: 12.5 },
  propagated: true,
  versions: [
    {
      buildId: 'a1b2c3d4e5f6',
      status: 'draining',
      createdAt: created,
      workflows: { open: 3, pinned: 1, autoUpgrade: 2 },
    },
    {
      buildId: '0f1e2d3c4b5a',
      status: 'drained',
      createdAt: created,
      workflows: { open: 2, pinned: 0, autoUpgrade: 2 },
    },
    { buildId: '9a8b7c6d5e4f', status: 'drained', createdAt: null, workflows: { open: 0, pinned: 0, autoUpgrade: 0 } },
    {
      buildId: 'b2c3d4e5f6a7',
      status: 'current',
      createdAt: created,
      workflows: { open: 120, pinned: 2, autoUpgrade: 118 },
    },
    {
      buildId: 'c3d4e5f6a7b8',
      status: 'ramping',
      createdAt: created,
      workflows: { open: 7, pinned: 0, autoUpgrade: 7 },
    },
  ],
};

test(
  'describe prints the routing, open workflows per version, ' + 'and which retired builds still need their workers',
  () => {
    expect(renderDeployment(description)).toBe(
      [
        'deployment  kairos',
        'current     b2c3d4e5f6a7',
        'ramping     c3d4e5f6a7b8 at 12.5%',
        'versions',
        '  build         status      open  pinned  auto-upgrade  created',
        `  a1b2c3d4e5f6  draining       3       1             2  ${created}`,
        `  0f1e2d3c4b5a  drained        2       0             2  ${created}`,
        '  9a8b7c6d5e4f  drained        0       0             0  ?',
        `  b2c3d4e5f6a7  current      120       2           118  ${created}`,
        `  c3d4e5f6a7b8  ramping        7       0             7  ${created}`,
        'neither current nor ramping',
        '  a1b2c3d4e5f6  keep its workers: 1 pinned workflow runs on it until it ends',
        '  0f1e2d3c4b5a  its workers can stop: its 2 open workflows are auto-upgrade and move at their next task',
        '  9a8b7c6d5e4f  its workers can stop: no open workflows',
        'open: running workflows whose last workflow task ran on the build (from visibility, moments behind).',
        'Pinned ones stay on it until they end; ' +
          'auto-upgrade ones move to the current (or ramping) build at their next task.',
        '',
      ].join('\n'),
    );
  },
);

test('several pinned workflows, one auto-upgrade workflow, unversioned current, a routing change under way', () => {
  const text = renderDeployment({
    deploymentName: 'kairos',
    current: null,
    ramping: null,
    propagated: false,
    versions: [
      { buildId: 'a', status: 'draining', createdAt: created, workflows: { open: 2, pinned: 2, autoUpgrade: 0 } },
      { buildId: 'b', status: 'draining', createdAt: created, workflows: { open: 1, pinned: 0, autoUpgrade: 1 } },
    ],
  });
  expect(text).toMatch(
    /^current {5}\(unversioned workers\)\nramping {5}none\n {12}\(routing change still reaching the task queues\)$/m,
  );
  expect(text).toMatch(/^ {2}a {11}keep its workers: 2 pinned workflows run on it until they end$/m);
  expect(text).toMatch(
    /^ {2}b {11}its workers can stop: its 1 open workflow is auto-upgrade and moves at its next task$/m,
  );
});
