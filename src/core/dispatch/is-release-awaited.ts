// Whether a repo whose run just ended (its lock released) has a run waiting for it
// (DESIGN section 2: the next queued issue is dispatched at once). Every ready issue afk
// heard of and could not dispatch is queued in its index, with a progress comment; a
// repo with none has nothing to dispatch now, and reading its ready list again would only
// find the issue that just ended (issue 12). An issue whose delivery was lost is found
// by the sweep, as always.

import type { RunRecord } from "../run/run-types.js";

export function isReleaseAwaited(records: readonly RunRecord[]): boolean {
  return records.some((record) => record.phase === "queued");
}
