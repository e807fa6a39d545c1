// The worker's Worker Versioning settings (src/config.ts `deployment`): defaults per environment,
// the build id's sources, and what the server would refuse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeploymentConfig } from '../../src/config/cli-config';
import { deploymentVersionOf } from '../../src/worker/create-worker';

const packageVersion = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string })
  .version;

test(
  'versioning is on in production and off in development ' + 'and tests unless KAIROS_WORKER_VERSIONING says otherwise',
  () => {
    expect(loadDeploymentConfig({}).versioning).toBe(true);
    expect(loadDeploymentConfig({ KAIROS_ENV: 'development' }).versioning).toBe(false);
    expect(loadDeploymentConfig({ KAIROS_ENV: 'test' }).versioning).toBe(false);
    expect(loadDeploymentConfig({ KAIROS_ENV: 'development', KAIROS_WORKER_VERSIONING: 'true' }).versioning).toBe(true);
    expect(loadDeploymentConfig({ KAIROS_WORKER_VERSIONING: 'false' }).versioning).toBe(false);
  },
);

test('the build id is KAIROS_BUILD_ID, else (running from source, no dist/build-id.txt) the package version', () => {
  expect(loadDeploymentConfig({ KAIROS_BUILD_ID: 'abc123' }).buildId).toBe('abc123');
  expect(loadDeploymentConfig({}).buildId).toBe(packageVersion);
});

test('the deployment name defaults to kairos and may not contain a dot (Temporal refuses one)', () => {
  expect(loadDeploymentConfig({}).name).toBe('kairos');
  expect(() => loadDeploymentConfig({ KAIROS_DEPLOYMENT_NAME: 'kairos.eu' })).toThrow(
    /KAIROS_DEPLOYMENT_NAME: must not contain '\.'/,
  );
});

test('a worker is versioned only when versioning is on', () => {
  expect(deploymentVersionOf({ name: 'kairos', buildId: 'abc123', versioning: true })).toEqual({
    deploymentName: 'kairos',
    buildId: 'abc123',
  });
  expect(deploymentVersionOf({ name: 'kairos', buildId: 'abc123', versioning: false })).toBeUndefined();
});
