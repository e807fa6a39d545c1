// The API process (`npm run api`): tracing when configured, then its settings, composed
// (src/apps/api.ts), served until SIGTERM.
import { loadTracingConfig } from './config/tracing-config';
import { onShutdown } from './shutdown';
import { startTracing } from './tracing/start-tracing';

export async function main(): Promise<void> {
  // Before the rest of the process loads: the instrumentations patch http and express as they are
  // required, and a module loaded earlier would keep the unpatched ones.
  const tracing = await startTracing(loadTracingConfig('kairos-api'));
  const { composeApi } = await import('./apps/api');
  const { loadApiConfig } = await import('./config/api-config');
  const config = loadApiConfig();
  const api = await composeApi(config, { tracing });
  if (!config.api.bootstrapKey) api.logger.warn('KAIROS_BOOTSTRAP_KEY is not set: every /v1 route will answer 401');
  onShutdown(api.logger, async () => {
    await api.close();
    // Last: the spans of the requests the close let finish.
    await tracing?.shutdown();
  });
  await api.serve();
  api.logger.info(
    { url: `http://${config.api.host}:${config.api.port}`, tracing: tracing ? 'on' : 'off' },
    'API listening',
  );
}

if (require.main === module)
  void main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
