// Stops afk's agents that no run wants any more (issue 8; the rule is the core's,
// core/dispatch/stray-agents.ts). Run by the reconcile whenever it was handed T3's threads
// (the sweep, start-up), after the runs it holds were checked: an agent is matched with
// its issue's record as the index holds it, else as its progress comment says (an issue
// that carries none of afk's labels any more is in no list afk reads), so an ending whose
// interrupt T3 never saw is finished by the next look at T3, across restarts.

import type { Issue } from "../core/common/github-types.js";
import { decideStrayAgents, toAfkThreads, type IssueLook } from "../core/dispatch/stray-agents.js";
import { isThreadBusy, isThreadUnstarted } from "../core/observe/agent-threads.js";
import { describeError } from "../ports/result.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import type { AfkService } from "./afk-service.js";
import { loadRun } from "./load-run.js";
import { errorFields } from "./log.js";
import type { AgentFacts } from "./observers.js";

/** What the issue's record is: the index's, else its progress comment's (not kept: the issue is not followed). */
async function lookAt(
  afk: AfkService,
  issues: IssueTracker,
  repo: string,
  issue: number,
  ready: boolean,
): Promise<IssueLook | string> {
  const known = afk.index.get(repo, issue);
  if (known !== undefined) return { record: known.record, ready };
  const loaded = await loadRun(issues, repo, issue, afk.deps.appId);
  if (!loaded.ok) return `reading the progress comment of #${issue}: ${describeError(loaded.error)}`;
  const { value } = loaded;
  return { record: value.kind === "found" ? value.record : value.kind === "none" ? null : "unreadable", ready };
}

/**
 * Forgets the threads T3's threads, read at `facts.readAt`, show unstarted (or at work) no
 * more: deleted, archived, idle. Only what an earlier or the same read showed is forgotten,
 * so a look that read T3 before another repo's look stopped a thread does not drop it.
 */
function forgetGone(afk: AfkService, facts: AgentFacts): void {
  const threads = facts.overview.threads;
  const unstarted = new Set(threads.filter(isThreadUnstarted).map((thread) => thread.id));
  const busy = new Set(threads.filter(isThreadBusy).map((thread) => thread.id));
  for (const [threadId, seenAt] of afk.stoppedUnstarted)
    if (seenAt <= facts.readAt && !unstarted.has(threadId)) afk.stoppedUnstarted.delete(threadId);
  for (const [threadId, { seenAt }] of afk.strayInterrupts)
    if (seenAt <= facts.readAt && !busy.has(threadId)) afk.strayInterrupts.delete(threadId);
}

/** Interrupts the stray agents of a repo. Returns what failed (each logged), for the caller to report. */
export async function stopStrayAgents(
  afk: AfkService,
  repo: string,
  installationId: number,
  issues: IssueTracker,
  ready: readonly Issue[],
  facts: AgentFacts,
): Promise<string[]> {
  const agent = afk.deps.agent;
  if (agent === null) return [];
  forgetGone(afk, facts);
  const agents = toAfkThreads(facts.overview.threads, { installationId, repo });
  if (agents.length === 0) return [];
  const readyNumbers = new Set(ready.map((issue) => issue.number));
  const failed: string[] = [];
  const looks = new Map<number, IssueLook>();
  for (const issue of new Set(agents.map((each) => each.issue))) {
    const look = await lookAt(afk, issues, repo, issue, readyNumbers.has(issue));
    if (typeof look === "string") failed.push(look);
    else looks.set(issue, look);
  }
  const input = { installationId, repo, agents, looks, readAt: facts.readAt };
  // A thread afk let go of that a run wants again (its issue labelled anew) holds its slot again.
  const unwanted = new Set(decideStrayAgents({ ...input, stoppedUnstarted: new Set() }).map((each) => each.threadId));
  for (const { thread } of agents) if (!unwanted.has(thread.id)) afk.stoppedUnstarted.delete(thread.id);
  const stray = decideStrayAgents({ ...input, stoppedUnstarted: new Set(afk.stoppedUnstarted.keys()) });
  for (const each of stray) {
    const log = afk.log.child({ repo, issue: each.issue, attempt: each.attempt, thread: each.threadId });
    const taken = afk.strayInterrupts.get(each.threadId);
    if (taken?.commandId === each.commandId) {
      // T3 took this very interrupt and the agent works on: asking again changes nothing.
      if (!taken.warned)
        log.warn(
          { why: each.why },
          "an agent of afk's no run wants still works though T3 took the interrupt; not asking again for this turn",
        );
      taken.warned = true;
      continue;
    }
    const stopped = await agent.interruptTurn({ threadId: each.threadId, commandId: each.commandId });
    if (stopped.ok) {
      if (each.unstarted) afk.stoppedUnstarted.set(each.threadId, facts.readAt);
      else afk.strayInterrupts.set(each.threadId, { commandId: each.commandId, seenAt: facts.readAt, warned: false });
      log.info({ why: each.why }, "an agent of afk's no run wants any more: asked it to stop");
      continue;
    }
    log.warn(
      { why: each.why, ...errorFields(stopped.error) },
      `cannot stop an agent no run wants (${describeError(stopped.error)}); the next look at T3 tries again`,
    );
    failed.push(`stopping the agent of #${each.issue} (attempt ${each.attempt})`);
  }
  return failed;
}
