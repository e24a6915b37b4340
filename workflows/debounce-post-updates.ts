import type { Duration } from '@temporalio/common';
import { condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../contract/activities';
import { wordpressActivityOptions } from '../contract/activity-options';
import type { PostUpdated } from '../contract/events';
import {
  debounceStatusQuery,
  postEditOf,
  postUpdatedUpdate,
  postUpdatesInputOf,
  type DebounceStatus,
  type EditAnswer,
  type PostEdit,
  type PostUpdatesInput,
} from '../contract/post-updates';
import { contentRunId } from '../contract/workflow-ids';
import { runGiveUpAfter, withRunGiveUp } from './run-give-up';
import { runSummaryChild } from './summary-child';
import { suggestOf, type Suggest } from '../contract/suggestions';
import { budgetOf } from './token-budget';

/** A run with no edit for this long ends; the next edit starts a fresh one (update-with-start). */
const IDLE_MS = 24 * 60 * 60 * 1000;
/** Keys remembered to answer a re-sent event `duplicate`; the plugin re-sends within hours, not after 500 edits. */
const SEEN_KEYS = 500;

interface Carried {
  readonly seenKeys: readonly string[];
  /** The first run's give-up point (its memo, which continue-as-new drops); absent in states carried before. */
  readonly giveUpAfter?: Duration;
  /** The latest edit's review choice; absent in states carried before it, or when nothing is held for review. */
  readonly suggest?: Suggest;
}

/**
 * post.updated → one long-lived run per post. Each edit marks it dirty; once no edit has come for the quiet
 * period it fetches the post and summarises the latest content once, as an enrichPost child keyed by that
 * content (the key a batch uses too), so ten saves within the period cost one LLM call.
 */
export async function debouncePostUpdates(input: PostUpdatesInput | PostUpdated, carried?: Carried): Promise<DebounceStatus> {
  // Runs started (or continued as new) before the workflow took an input of its own were given the post.updated
  // event, and so were their edits; a run's input is fixed by its first history event and an edit by its update's
  // accepted event, and no command depends on the shape, so no patch is needed.
  const post = 'event' in input ? postUpdatesInputOf(input) : input;
  const seen = new Set(carried?.seenKeys ?? []);
  let dirty = false;
  // An edit not yet summarised (dirty alone drops back to false while the quiet period runs).
  let unsettled = false;
  let status: DebounceStatus = { pending: false, edits: 0, summaries: 0, lastOutcome: null };
  // The latest edit's review choice (the site may change its setting between edits), carried across continue-as-new.
  let suggest: Suggest | undefined = carried?.suggest;

  setHandler(debounceStatusQuery, () => ({ ...status, pending: unsettled }));
  setHandler(postUpdatedUpdate, (edit: PostEdit | PostUpdated): EditAnswer => {
    const { eventKey, suggest: chosen } = 'event' in edit ? postEditOf(edit) : edit;
    if (seen.has(eventKey)) return 'duplicate';
    seen.add(eventKey);
    if (seen.size > SEEN_KEYS) seen.delete(seen.values().next().value!);
    dirty = true;
    unsettled = true;
    suggest = chosen;
    status = { ...status, edits: status.edits + 1 };
    return 'accepted';
  });

  const giveUpAfter = carried ? carried.giveUpAfter : runGiveUpAfter();
  const wordpress = proxyActivities<Activities>(withRunGiveUp(wordpressActivityOptions, giveUpAfter));
  const { editQuietMs } = await wordpress.readAutomationSettings();
  while (await condition(() => dirty, IDLE_MS)) {
    // Quiet period: every edit inside it starts the wait again.
    do dirty = false;
    while (await condition(() => dirty, editQuietMs));
    const outcome = await summariseLatest(post, suggest, wordpress, giveUpAfter);
    status = { ...status, summaries: status.summaries + (outcome === 'summarized' ? 1 : 0), lastOutcome: outcome };
    unsettled = dirty;
    if (workflowInfo().continueAsNewSuggested && !dirty) {
      return continueAsNew<typeof debouncePostUpdates>(post, { seenKeys: [...seen], giveUpAfter, ...(suggest ? { suggest } : {}) });
    }
  }
  return status;
}

/** `suggest`: the latest edit's review choice. */
async function summariseLatest(
  { site, postId }: PostUpdatesInput,
  suggest: Suggest | undefined,
  wordpress: Activities,
  giveUpAfter: Duration | undefined,
): Promise<DebounceStatus['lastOutcome']> {
  const post = await wordpress.fetchPost(postId, undefined, site);
  if (post.status !== 'publish') return 'not_published';
  if (post.summaryHash === post.contentHash) return 'unchanged';
  const outcome = await runSummaryChild(contentRunId(site, post.id, post.contentHash), {
    postId: post.id,
    site,
    giveUpAfter,
    ...budgetOf(site),
    ...suggestOf({ suggest }),
  });
  if (outcome === 'failed') log.warn('the summary of the latest edit failed; its enrichPost run says why', { postId: post.id });
  return outcome;
}
