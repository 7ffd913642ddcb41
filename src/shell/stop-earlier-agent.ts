// Before a new attempt of an issue starts, an earlier attempt's agent that still works is
// stopped (one agent per repo: they would share a checkout). afk holds no record of that
// attempt: it died mid-dispatch, and while it was down a person took the ready label off
// (ending that attempt, as a cancel would have) and put it back (asking for a new one).
// The new attempt waits until T3 shows the old agent stopped (the next sweep).

import { findEarlierAgentAtWork } from "../core/dispatch/attempts.js";
import type { Issue } from "../core/common/github-types.js";
import type { ThreadFact } from "../core/observe/agent-threads.js";
import { toCommandId } from "../core/run/ids.js";
import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { errorFields } from "./log.js";

/** True when an earlier attempt's agent works: it was asked to stop, and the new attempt must wait. */
export async function stopEarlierAgent(
  afk: AfkService,
  issue: Issue,
  installationId: number,
  attempt: number,
  threads: readonly ThreadFact[],
): Promise<boolean> {
  const key = { installationId, repo: issue.repo, issue: issue.number };
  const earlier = findEarlierAgentAtWork(key, attempt, threads);
  if (earlier === null || afk.deps.agent === null) return false;
  const log = afk.log.child({
    repo: issue.repo,
    issue: issue.number,
    attempt: earlier.attempt,
    thread: earlier.threadId,
  });
  const commandId = toCommandId({ ...key, attempt: earlier.attempt }, "interrupt:superseded");
  const stopped = await afk.deps.agent.interruptTurn({ threadId: earlier.threadId, commandId });
  if (stopped.ok)
    log.info({}, `attempt ${attempt} waits: the agent of attempt ${earlier.attempt} still works; asked it to stop`);
  else
    log.warn(
      errorFields(stopped.error),
      `attempt ${attempt} waits: could not stop the agent of attempt ${earlier.attempt} (${describeError(stopped.error)}); the sweep tries again`,
    );
  return true;
}
