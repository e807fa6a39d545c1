// Search attributes Kairos sets on customer workflows, for finding histories to replay. They
// are never encrypted, so they hold no PII: an opaque customer id, program ids, a version.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CUSTOMER_ID = defineSearchAttributeKey('KairosCustomerId', SearchAttributeType.KEYWORD);
export const PROGRAMS = defineSearchAttributeKey('KairosPrograms', SearchAttributeType.KEYWORD_LIST);
export const INTERPRETER_VERSION = defineSearchAttributeKey('KairosInterpreterVersion', SearchAttributeType.KEYWORD);

/** For registering them with a dev server: `--search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTE_FLAGS = ['KairosCustomerId=Keyword', 'KairosPrograms=KeywordList', 'KairosInterpreterVersion=Keyword'];
