// The start of a run: queued with a reason, then dispatched. Dispatch order matters
// (DESIGN section 5): T3 first, then the lock label, then the comment, so a crash in
// between is healed by the next reconcile with the same ids.

import { defaultRepoConfig, type OperatorConfig } from "../config/config-types.js";
import { toCommandId, toMessageId, toProjectCommandId, toProjectId, toThreadId } from "./ids.js";
import { renderOpeningPrompt } from "../render/prompts.js";
import {
  isDeepEqual,
  toBoundedApproval,
  toBoundedReason,
  toKey,
  toLogin,
  toShown,
  toUpsert,
  unchanged,
  withPhase,
} from "./run-record.js";
import { toThreadTitle } from "./thread-title.js";
import type { RepoName } from "../common/github-types.js";
import type { RunEvent } from "./run-event.js";
import type { RunRecord } from "./run-types.js";
import type { Transition } from "./effect.js";

export interface NewRunInput {
  readonly repo: RepoName;
  readonly issue: number;
  readonly installationId: number;
  readonly attempt: number;
  readonly labeler: string | null;
  readonly now: number;
  readonly config: OperatorConfig;
}

/** The run-specific fields of an attempt that has not been dispatched yet. */
export const UNDISPATCHED = {
  queuedReason: null,
  dispatchedAt: null,
  legStartedAt: null,
  endedAt: null,
  turn: null,
  turns: 0,
  agentStatus: null,
  sha: null,
  pushedAt: null,
  stages: { ci: null, deploy: null, rollout: null },
  fixForwards: 0,
  fixForwardsTotal: 0,
  escalation: null,
  doorbellFailure: null,
  closedByCommit: null,
  turnSeenAt: null,
  problems: [],
} as const satisfies Partial<RunRecord>;

export function newRun(input: NewRunInput): RunRecord {
  const { repo, issue, installationId, attempt } = input;
  return {
    v: 2,
    repo,
    issue,
    installationId,
    attempt,
    phase: "queued",
    threadId: toThreadId({ installationId, repo, issue, attempt }),
    labeler: input.labeler === null ? null : toLogin(input.labeler),
    approval: null,
    ...UNDISPATCHED,
    doorbell: null,
    resumptions: [],
    history: [{ at: input.now, phase: "queued", note: "queued" }],
    repoConfig: defaultRepoConfig(input.config),
  };
}

type Held = Extract<RunEvent, { kind: "Held" }>;
type DispatchApproved = Extract<RunEvent, { kind: "DispatchApproved" }>;

/** The reason is told on the issue once; the same reason again writes nothing. */
export function transitionHeld(record: RunRecord, event: Held): Transition {
  const reason = toBoundedReason(event.reason);
  const approval = toBoundedApproval(event.approval) ?? record.approval;
  if (record.phase !== "queued") return unchanged(record);
  if (isDeepEqual(record.queuedReason, reason) && isDeepEqual(record.approval, approval)) return unchanged(record);
  return toShown({ ...record, queuedReason: reason, approval });
}

export function transitionDispatched(
  record: RunRecord,
  event: DispatchApproved,
  now: number,
  config: OperatorConfig,
): Transition {
  if (record.phase !== "queued") return unchanged(record);
  // A dispatch healed after a crash keeps the time T3 first received it: a turn that
  // ended or a commit pushed while afk was down still counts.
  const startedAt = Math.min(event.startedAt ?? now, now);
  const key = toKey(record);
  const workspaceRoot = `${config.t3.workspaceBase}/${record.repo}`;
  const issue = { repo: record.repo, number: record.issue, title: event.issue.title, body: event.issue.body };
  const dispatched: RunRecord = {
    ...withPhase(record, "dispatched", "dispatched: the agent's thread started", now),
    dispatchedAt: startedAt,
    legStartedAt: startedAt,
    queuedReason: null,
    labeler: event.labeler === null ? null : toLogin(event.labeler),
    approval: toBoundedApproval(event.approval) ?? record.approval,
    repoConfig: event.repoConfig,
    turn: { number: 1, kind: "opening", state: "working", startedAt, sha: null, relayText: null },
    turns: 1,
    stages: { ci: null, deploy: null, rollout: null },
  };
  return {
    record: dispatched,
    effects: [
      {
        kind: "StartThread",
        threadId: record.threadId,
        projectId: toProjectId(record.installationId, record.repo),
        workspaceRoot,
        title: toThreadTitle(record.repo, record.issue, event.issue.title),
        commandIds: {
          project: toProjectCommandId(record.installationId, record.repo),
          thread: toCommandId(key, "thread.create"),
          turn: toCommandId(key, "turn:1"),
        },
        messageId: toMessageId(key, 1),
        text: renderOpeningPrompt({
          issue,
          defaultBranch: event.defaultBranch,
          cloneUrl: event.cloneUrl,
          workspaceRoot,
        }),
      },
      { kind: "AddLabels", labels: [config.labels.inProgress] },
      toUpsert(dispatched),
    ],
  };
}
