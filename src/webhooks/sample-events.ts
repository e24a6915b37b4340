import { randomUUID } from 'node:crypto';
import type { EventName, WpEvent } from '../../contract/events';

/**
 * Well-formed example events, for `wp-ai-relay send`, the benchmark and the tests. Each call gets a fresh
 * idempotency key unless one is given.
 */
export function sampleEvent(name: EventName, overrides: Record<string, unknown> = {}): WpEvent & Record<string, unknown> {
  const idempotency_key = `${name}:${randomUUID()}`;
  const site = 'https://example.org/';
  const now = new Date().toISOString();
  const base = { idempotency_key, site };
  const events = {
    'post.published': {
      event: 'post.published',
      ...base,
      post_id: 1,
      title: 'Hello world',
      url: 'https://example.org/hello-world/',
      author: 'admin',
      published_at: now,
      meta: { categories: [1], tags: [] },
    },
    'comment.created': {
      event: 'comment.created',
      ...base,
      comment_id: 1,
      post_id: 1,
      author: 'A commenter',
      content: 'Hi, this is a comment.',
      created_at: now,
    },
    'lead.submitted': {
      event: 'lead.submitted',
      ...base,
      lead_id: randomUUID(),
      submitted_at: now,
      source: 'contact form',
      fields: { company: 'Example Ltd', message: 'Please call me back.' },
    },
    'batch.requested': { event: 'batch.requested', ...base, requested_at: now, limit: 50 },
    'post.updated': { event: 'post.updated', ...base, post_id: 1, updated_at: now },
  } as const satisfies Record<EventName, WpEvent>;
  return { ...events[name], ...overrides } as WpEvent & Record<string, unknown>;
}
