-- Events no program version in use references are stored and not signalled (issue 14, outcome 8).
-- The API keeps an index of the referenced types (src/programs/referenced-index.ts), loaded with
-- one query over these columns and reloaded when the triggers below notify it.

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "unreferenced" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "programs" ADD COLUMN     "listening_until" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "program_versions" ADD COLUMN     "listens_to" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Versions published before: the waitForEvent steps' and the goal's event types, from the
-- definition (src/programs/referenced-types.ts `listenedTypes` fills it at publish).
UPDATE "program_versions" v SET "listens_to" = ARRAY(
  SELECT DISTINCT t FROM (
    SELECT s -> 'event' ->> 'type' AS t FROM jsonb_each(v.definition -> 'steps') AS e(k, s) WHERE s ->> 'kind' = 'waitForEvent'
    UNION ALL SELECT v.definition -> 'goal' -> 'event' ->> 'type'
  ) x WHERE t IS NOT NULL ORDER BY t);

-- Every change to programs or their versions, by any process (the API, the worker's rollout and
-- experiment activities, a script), tells every listening API process to reload its index. The
-- payload is the changing transaction's id: an index whose last load already saw it commit
-- need not load again.
-- (Prisma's migration runner splits the script at every semicolon, quoted or not, so the body's
-- semicolons are written \073.)
CREATE FUNCTION kairos_programs_changed() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''kairos_programs_changed'', pg_current_xact_id()::text)\073 RETURN NULL\073 END';

CREATE TRIGGER programs_changed AFTER INSERT OR UPDATE OR DELETE ON "programs"
  FOR EACH STATEMENT EXECUTE FUNCTION kairos_programs_changed();
CREATE TRIGGER program_versions_changed AFTER INSERT OR UPDATE OR DELETE ON "program_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION kairos_programs_changed();
