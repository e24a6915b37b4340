import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterOf } from '../../src/codec/data-converter';

/** The launcher of Temporal's Java time-skipping test server, whose jars scripts/setup-debian.sh installs. */
export const TEST_SERVER_LAUNCHER = join(__dirname, '../../scripts/temporal-test-server/temporal-test-server');

const ATTEMPTS = 3;

/**
 * `TestWorkflowEnvironment.createTimeSkipping` on the Java test server. The SDK gives a test server 5 s to open
 * its port and then kills it; a JVM on a loaded 2-core machine can take longer, so it is tried up to three times.
 * Start it before other heavy parts (WordPress) rather than beside them. Its client encodes with `codec`, as the
 * relay's own clients do.
 */
export async function startTimeSkipping(codec: PayloadCodec): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEST_SERVER_LAUNCHER }, extraArgs: [] },
        client: { dataConverter: dataConverterOf(codec) },
      });
    } catch (error) {
      if (attempt >= ATTEMPTS || !/did not start within/.test(String(error))) throw error;
    }
  }
}
