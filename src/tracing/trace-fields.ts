import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The active span's ids, for a log line: `trace_id` and `span_id` are the names OpenTelemetry's log data model and
 * Temporal's own activity log attributes use, so a log search and the trace viewer meet on them.
 */
export function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId, trace_flags: `0${context.traceFlags.toString(16)}` };
}
