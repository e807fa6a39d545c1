-- Programs compiled at publish (issue 14, outcome 3): each version keeps the execution form the
-- engine runs (src/core/program.ts), so no reader parses or compiles a definition. Versions
-- published before have none. The worker compiles them at startup, before it polls
-- (src/programs/execution-form.ts recompileStale): compiling is TypeScript, not SQL.

-- AlterTable
ALTER TABLE "program_versions" ADD COLUMN     "compiled" JSONB;
