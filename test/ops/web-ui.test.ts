import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from '../support/browser';
import { eventually } from '../support/eventually';
import { ROOT } from './helpers/cli';
import { startOpsStack, type OpsStack } from './helpers/ops-stack';

/**
 * The runbook's picture of the Web UI. Every run takes the screenshot; it replaces the committed one only with
 * UPDATE_DOCS_SCREENSHOT=1, so running the tests leaves the work tree as it was.
 */
const DOCS_SCREENSHOT = join(ROOT, 'docs/images/web-ui.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the Temporal Web UI of the dev server, in headless Chromium', () => {
  let stack: OpsStack;
  let chromium: TestBrowser;
  let page: Page;
  let completed: string;
  let failed: string;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wp-ai-relay-web-ui-'));
    [stack, chromium] = await Promise.all([startOpsStack({ ui: true }), launchChromium()]);
    page = await chromium.context.newPage();

    completed = await stack.publish(await stack.createPost('A post that gets its summary'), { site: 'https://ui.example/' });
    await stack.expectCompleted(completed);
    stack.llm.setDefault({ kind: 'status', status: 400 });
    failed = await stack.publish(await stack.createPost('A post the LLM refuses'), { site: 'https://ui.example/' });
    await stack.expectFailed(failed);
    // The lists below are read from visibility, which a run's close reaches a moment later; a page loaded before
    // would not show it. Wait until visibility holds both runs as closed.
    const closed = `(WorkflowId = "${completed}" AND ExecutionStatus = "Completed") OR (WorkflowId = "${failed}" AND ExecutionStatus = "Failed")`;
    await eventually(async () => ((await stack.relay.client.workflow.count(closed)).count === 2 || undefined), 'both runs closed in visibility');
  });
  after(async () => {
    await chromium?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const workflowsUrl = (query?: string) =>
    `${stack.temporal.uiUrl}/namespaces/default/workflows${query ? `?query=${encodeURIComponent(query)}` : ''}`;

  test('the run of a known key shows its status and its activities by name', async () => {
    await page.goto(`${workflowsUrl()}/${encodeURIComponent(completed)}`);
    await page.getByRole('heading', { name: completed }).waitFor();
    await page.getByText(/^completed$/i).first().waitFor();
    for (const activity of ['fetchPost', 'summarizePost', 'writeSummary']) {
      await page.getByText(activity, { exact: true }).first().waitFor();
    }
    assert.match(await page.locator('body').innerText(), /enrichPost/);

    await page.goto(`${workflowsUrl()}/${encodeURIComponent(failed)}`);
    await page.getByRole('heading', { name: failed }).waitFor();
    await page.getByText(/^failed$/i).first().waitFor();
    await page.getByText('summarizePost', { exact: true }).first().waitFor();
    assert.equal(await page.getByText('writeSummary', { exact: true }).count(), 0, 'the failed run never reached the write-back');
  });

  test('the list filtered by WpEvent shows both runs, and ExecutionStatus narrows it to the failed one', async () => {
    await page.goto(workflowsUrl('WpEvent = "post.published"'));
    const rows = page.locator('table tbody tr');
    await rows.filter({ hasText: completed }).waitFor();
    await rows.filter({ hasText: failed }).waitFor();
    const screenshot = process.env.UPDATE_DOCS_SCREENSHOT === '1' ? DOCS_SCREENSHOT : join(dir, 'web-ui.png');
    await page.screenshot({ path: screenshot });
    assert.deepEqual((await readFile(screenshot)).subarray(0, 8), PNG_SIGNATURE);

    await page.goto(workflowsUrl('WpEvent = "comment.created"'));
    await page.getByText(/No Workflows/i).first().waitFor();
    assert.equal(await rows.filter({ hasText: completed }).count(), 0);

    await page.goto(workflowsUrl('WpEvent = "post.published" AND ExecutionStatus = "Failed"'));
    await rows.filter({ hasText: failed }).waitFor();
    assert.equal(await rows.filter({ hasText: completed }).count(), 0);
  });
});
