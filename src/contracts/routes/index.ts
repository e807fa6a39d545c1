// The route table: every route the API serves, by resource. Served by src/api/mount-routes.ts and
// documented by src/api/openapi.ts from these same entries.
import type { RouteSpec } from '../route';
import { apiKeyRoutes, auditRoutes } from './admin';
import { audienceRoutes } from './audience';
import { broadcastRoutes } from './broadcasts';
import { codecRoutes } from './codec';
import { customerRoutes } from './customers';
import { eventRoutes } from './events';
import { experimentRoutes } from './experiments';
import { importRoutes } from './imports';
import { messageRoutes } from './messages';
import { personaRoutes } from './personas';
import { programRoutes } from './programs';
import { publicRoutes } from './public';
import { rolloutRoutes } from './rollouts';
import { segmentRoutes } from './segments';
import { templateRoutes } from './templates';

export const ROUTES = {
  public: publicRoutes,
  events: eventRoutes,
  customers: customerRoutes,
  programs: programRoutes,
  segments: segmentRoutes,
  personas: personaRoutes,
  experiments: experimentRoutes,
  rollouts: rolloutRoutes,
  broadcasts: broadcastRoutes,
  templates: templateRoutes,
  messages: messageRoutes,
  audience: audienceRoutes,
  imports: importRoutes,
  apiKeys: apiKeyRoutes,
  audit: auditRoutes,
  codec: codecRoutes,
};

/** Every entry of the table, in declaration order. */
export const ROUTE_LIST: readonly RouteSpec[] = Object.values(ROUTES).flatMap((group) => Object.values(group));
