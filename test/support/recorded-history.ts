import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter, type DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/codec/keys';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { TEST_PAYLOAD_KEYS } from './relay';

type History = temporal.api.history.v1.IHistory;

/** The codec of the test stack (TEST_PAYLOAD_KEYS), which recorded the encrypted histories; plaintext ones pass through. */
const codec = new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));
export const recordedDataConverter: DataConverter = dataConverterOf(codec);

/** A history committed under test/fixtures (recorded from a real run with `RECORD_HISTORY=1`). */
export function recordedHistory(file: string): History {
  return historyFromJSON(JSON.parse(readFileSync(join(__dirname, '../fixtures', file), 'utf8')));
}

/** The first argument the recorded run was started with, decrypted: shows which input shape a fixture covers. */
export async function recordedInput(history: History): Promise<unknown> {
  const [payload] = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  if (!payload) throw new Error('the history does not start with a WorkflowExecutionStarted event holding an input');
  const [decoded] = await codec.decode([payload]);
  return defaultPayloadConverter.fromPayload(decoded!);
}

/** The activity types the run scheduled, in order. */
export function scheduledActivities(history: History): string[] {
  return (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}
