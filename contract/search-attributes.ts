import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, so the Web UI and `wp-ai-relay failed` can filter runs by event, site and post. */
export const WpEventKey = defineSearchAttributeKey('WpEvent', SearchAttributeType.KEYWORD);
export const WpSiteKey = defineSearchAttributeKey('WpSite', SearchAttributeType.KEYWORD);
export const WpPostIdKey = defineSearchAttributeKey('WpPostId', SearchAttributeType.INT);
export const WpCommentIdKey = defineSearchAttributeKey('WpCommentId', SearchAttributeType.INT);

/** Name → type as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` spell it. */
export const SEARCH_ATTRIBUTES = { WpEvent: 'Keyword', WpSite: 'Keyword', WpPostId: 'Int', WpCommentId: 'Int' } as const;
