import type { Attributes } from '@opentelemetry/api';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';

/**
 * fetch's requests (WordPress, the LLM through `openai`, the CRM) as client spans, each sending `traceparent`. The
 * recorded URL keeps origin and path only: a query may hold an API key, and the CRM's URL is configuration that
 * may carry a secret in its path (hook URLs do), so for the CRM only the origin is kept.
 */
export function outgoingRequestInstrumentation(crmWebhookUrl: string | undefined): UndiciInstrumentation {
  const crmOrigin = crmWebhookUrl === undefined ? undefined : new URL(crmWebhookUrl).origin;
  return new UndiciInstrumentation({ startSpanHook: (request) => urlAttributes(request, crmOrigin) });
}

function urlAttributes(request: UndiciRequest, crmOrigin: string | undefined): Attributes {
  const url = new URL(request.path, request.origin);
  const path = url.origin === crmOrigin ? '/' : url.pathname;
  return { 'url.full': `${url.origin}${path}`, 'url.path': path, 'url.query': '' };
}
