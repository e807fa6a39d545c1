// Personas over HTTP: a segment's persona, its size-over-time period ending today unless asked.
import type { personaRoutes } from '../contracts/routes/personas';
import type { Personas } from '../personas/persona';
import type { Handlers } from './mount-routes';

export function personaHandlers(deps: { personas: Personas }): Handlers<typeof personaRoutes> {
  return {
    persona: ({ params, query }) => deps.personas.persona(params.id, query),
  };
}
