// The API process (`npm run api`): its settings, composed (src/apps/api.ts), served until SIGTERM.
import { composeApi } from './apps/api';
import { loadApiConfig } from './config/api-config';
import { onShutdown } from './shutdown';

export async function main(): Promise<void> {
  const config = loadApiConfig();
  const api = await composeApi(config);
  if (!config.api.bootstrapKey) api.logger.warn('KAIROS_BOOTSTRAP_KEY is not set: every /v1 route will answer 401');
  onShutdown(api.logger, () => api.close());
  await api.serve();
  api.logger.info({ url: `http://${config.api.host}:${config.api.port}` }, 'API listening');
}

if (require.main === module)
  void main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
