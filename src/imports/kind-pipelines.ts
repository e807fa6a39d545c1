// What each import kind does with a row: its schema, the batch writer, how a CSV row is typed,
// and which customers a written purchase concerns (their computed traits are refreshed after it).
import type { z } from 'zod';
import { zodIssues } from '../contracts/issues';
import type { ImportKind } from '../contracts/requests/import-kinds';
import type { FieldIssue } from '../core/errors';
import { customerWriter, productWriter, purchaseWriter, type BatchWriter, type ParsedRow } from './batch-writers';
import { customerRowSchema, productRowSchema, purchaseRowSchema, typeCustomerCsvRow } from './import-schemas';

export interface KindPipeline {
  parse(record: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };
  write: BatchWriter<unknown>;
  /** Types a CSV row's text cells where the kind says how (customers' trait columns); NDJSON is typed already. */
  typeCsv?: (record: Record<string, unknown>) => Record<string, unknown>;
  /** The customer a parsed row is about, for kinds whose rows the computed traits are made of. */
  customerOf?: (value: unknown) => string;
}

function pipelineOf<S extends z.ZodType>(
  schema: S,
  write: BatchWriter<z.output<S>>,
  options: { typeCsv?: KindPipeline['typeCsv']; customerOf?: (value: z.output<S>) => string } = {},
): KindPipeline {
  return {
    typeCsv: options.typeCsv,
    customerOf: options.customerOf && ((value) => options.customerOf!(value as z.output<S>)),
    parse(record) {
      const result = schema.safeParse(record);
      return result.success ? { ok: true, value: result.data } : { ok: false, issues: zodIssues(result.error) };
    },
    write: (db, rows) => write(db, rows as ParsedRow<z.output<S>>[]),
  };
}

export const KIND_PIPELINES: Record<ImportKind, KindPipeline> = {
  // The customers' writer keeps their profile's computed traits itself (batch-writers.ts).
  customers: pipelineOf(customerRowSchema, customerWriter(), { typeCsv: typeCustomerCsvRow }),
  products: pipelineOf(productRowSchema, productWriter()),
  purchases: pipelineOf(purchaseRowSchema, purchaseWriter(), { customerOf: (p) => p.customerId }),
};
