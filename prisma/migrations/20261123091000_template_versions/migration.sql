-- Which saved version of its template a message rendered (null: rendered before templates were versioned).
ALTER TABLE "messages" ADD COLUMN "template_version" INTEGER;

-- Templates saved before versioning become their own version 1, so their next save is version 2.
INSERT INTO "template_versions" ("template_id", "version", "subject", "body", "created_at")
SELECT t."id", 1, t."subject", t."body", t."updated_at" FROM "templates" t
WHERE NOT EXISTS (SELECT 1 FROM "template_versions" v WHERE v."template_id" = t."id");
