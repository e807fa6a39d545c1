// Two builds on a real temporal-server (issue 17's drill): new customers start on the new build, a
// running one moves at her next task, the old build drains once its pinned controller ends, and a
// ramp moves a share to a third build and back (the scenario: worker-versioning-scenario.ts).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startTestTemporalServer } from '../drills/support/real-temporal';
import { testDataConverter } from '../helpers/config';
import { workerVersioningScenario } from '../integration/worker-versioning-scenario';

workerVersioningScenario(async (dynamicConfig) => {
  const server = await startTestTemporalServer({ dynamicConfig });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    address: server.address,
    namespace: server.namespace,
    client: new Client({ connection, namespace: server.namespace, dataConverter: testDataConverter() }),
    nativeConnection,
    async teardown() {
      await nativeConnection.close();
      await connection.close();
      await server.drop();
    },
  };
});
