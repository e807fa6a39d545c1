// Search attributes Kairos sets on customer workflows, for finding histories to replay. They
// are never encrypted, so they hold no PII: an opaque customer id, program ids, a version.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CUSTOMER_ID_KEY = defineSearchAttributeKey('KairosCustomerId', SearchAttributeType.KEYWORD);
export const PROGRAMS_KEY = defineSearchAttributeKey('KairosPrograms', SearchAttributeType.KEYWORD_LIST);
export const INTERPRETER_VERSION_KEY = defineSearchAttributeKey(
  'KairosInterpreterVersion',
  SearchAttributeType.KEYWORD,
);

/** For registering them with a dev server: `--search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTE_FLAGS = [
  'KairosCustomerId=Keyword',
  'KairosPrograms=KeywordList',
  'KairosInterpreterVersion=Keyword',
];

/**
 * The interpreter's version: bump it with every patched() change to workflow logic, and record
 * that version's histories under test/replay/histories/v<N>.
 */
export const INTERPRETER_VERSION = '7';
