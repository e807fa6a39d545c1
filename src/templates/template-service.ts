// Message templates and their history: every save is a new immutable version, and the template
// row holds the current one. Journey sends render the current template and record its version.
import { InvalidError, NotFoundError } from '../core/errors';
import { sqlRows, type Db } from '../db/prisma';
import type { TemplateInput } from '../contracts/program-language/program-schema';
import { auditData } from '../audit/audit-log';
import { createRenderer, TemplateSyntaxError } from './render';

export interface CurrentTemplate {
  id: string;
  channel: string;
  subject: string;
  body: string;
  /** The saved version this content is; null for a template written without one (seeds, old rows). */
  version: number | null;
}

/**
 * SQL: the `CurrentTemplate` whose id is the SQL expression `id` (no row when there is none): the
 * template row and the newest saved version with its exact content. Shared with the send's one
 * statement (src/messaging/message-rows.ts).
 */
export function currentTemplateSql(id: string): string {
  return `
    SELECT template.id, template.channel, template.subject, template.body, saved.version
      FROM templates template
      LEFT JOIN LATERAL (
        SELECT saved_version.version FROM template_versions saved_version
         WHERE saved_version.template_id = template.id AND saved_version.subject = template.subject
           AND saved_version.body = template.body
         ORDER BY saved_version.version DESC LIMIT 1
      ) saved ON true
     WHERE template.id = ${id}`;
}

export function createTemplateService(db: Db) {
  const renderer = createRenderer();

  /** The current content and its version, read in one statement so the pair is consistent. */
  async function current(id: string): Promise<CurrentTemplate | null> {
    const [row] = await sqlRows<CurrentTemplate>(db, currentTemplateSql('$1::text'), [id]);
    return row ?? null;
  }

  return {
    current,

    /** Checks the Liquid, then writes version N+1 and makes it current (and audited), in one transaction. */
    async save(id: string, input: TemplateInput, actor: string) {
      try {
        renderer.check(input);
      } catch (err) {
        if (err instanceof TemplateSyntaxError)
          throw new InvalidError('Invalid template', [{ path: `$.${err.field}`, message: err.message }]);
        throw err;
      }
      return db.$transaction(async (tx) => {
        // The template row may not exist yet, so there is no row to lock: serialise saves per id.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`template:${id}`}))`;
        const last = await tx.templateVersion.findFirst({
          where: { templateId: id },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        const version = (last?.version ?? 0) + 1;
        await tx.templateVersion.create({
          data: { templateId: id, version, subject: input.subject, body: input.body },
        });
        const template = await tx.template.upsert({ where: { id }, create: { id, ...input }, update: input });
        await tx.auditEntry.create({
          data: auditData({ actor, action: 'template.save', resource: `template:${id}`, after: { version } }),
        });
        return { ...template, version };
      });
    },

    /** Every template with its current version, by id. */
    async list() {
      const [templates, latest] = await Promise.all([
        db.template.findMany({ orderBy: { id: 'asc' } }),
        db.templateVersion.groupBy({ by: ['templateId'], _max: { version: true } }),
      ]);
      const versions = new Map(latest.map((l) => [l.templateId, l._max.version]));
      return templates.map((t) => ({ ...t, version: versions.get(t.id) ?? null }));
    },

    async get(id: string) {
      const template = await db.template.findUnique({ where: { id } });
      if (!template) throw new NotFoundError(`template ${id}`);
      const found = await current(id);
      return { ...template, version: found?.version ?? null };
    },

    /** Newest first. */
    async versions(id: string) {
      const versions = await db.templateVersion.findMany({ where: { templateId: id }, orderBy: { version: 'desc' } });
      if (versions.length === 0 && !(await db.template.findUnique({ where: { id }, select: { id: true } })))
        throw new NotFoundError(`template ${id}`);
      return versions;
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
