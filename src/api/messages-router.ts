// The API for the message list (src/messaging/message-log.ts).
import type { messageRoutes } from '../contracts/routes/messages';
import type { Db } from '../db/prisma';
import { recentMessages } from '../messaging/message-log';
import type { Handlers } from './mount-routes';

export function messageHandlers(deps: { db: Db }): Handlers<typeof messageRoutes> {
  return { list: ({ query }) => recentMessages(deps.db, query) };
}
