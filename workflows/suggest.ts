import type { Suggest } from '../contract/suggestions';

/** A summary child's `suggest`, from the event that asked for it: nothing when the site holds nothing for review. */
export function suggestOf(event: { readonly suggest?: Suggest | undefined }): { suggest?: Suggest } {
  return event.suggest?.length ? { suggest: event.suggest } : {};
}
