// Test builders: every field defaulted, so a case states only what it varies.
// Other test files import these; keep the exported names stable.

import { defaultRepoConfig, type OperatorConfig } from "../../src/core/config/config-types.js";
import { toThreadId } from "../../src/core/run/ids.js";
import type { Issue } from "../../src/core/common/github-types.js";
import type { RunRecord, StageState } from "../../src/core/run/run-types.js";

/** Epoch ms used as "the dispatch time" by every default. */
export const T0 = 1_700_000_000_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export function anOperatorConfig(overrides: Partial<OperatorConfig> = {}): OperatorConfig {
  return {
    killSwitch: false,
    allowlist: ["acme/widgets"],
    t3: {
      baseUrl: "http://t3.test",
      token: "t",
      tokenFile: null,
      instanceId: "claudeAgent",
      model: "claude-sonnet-4-5",
      workspaceBase: "/workspace",
      runtimeMode: "full-access",
    },
    labels: {
      ready: "ready-for-agent",
      inProgress: "afk:in-progress",
      human: "ready-for-human",
      priorityPrefix: "priority:",
    },
    trustedRoles: ["admin", "maintain", "write"],
    trustedBots: [],
    maxConcurrentRuns: 3,
    defaultPriority: 100,
    budgets: {
      fixForwardTurns: 2,
      runMs: 4 * HOUR_MS,
      ciMs: 60 * MINUTE_MS,
      ciNoChecksMs: 15 * MINUTE_MS,
      deployMs: 30 * MINUTE_MS,
      deployBlockedMs: 60 * MINUTE_MS,
      rolloutMs: 20 * MINUTE_MS,
    },
    sweepIntervalMs: 60_000,
    woodpecker: null,
    slack: null,
    kube: {
      apiUrl: null,
      tokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
      caFile: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
    },
    statusToken: null,
    ...overrides,
  };
}

export function anIssue(overrides: Partial<Issue> = {}): Issue {
  return {
    repo: "acme/widgets",
    number: 42,
    title: "Widgets should spin",
    body: "The widget does not spin when clicked.",
    state: "open",
    labels: ["ready-for-agent"],
    createdAt: T0 - HOUR_MS,
    author: "octocat",
    ...overrides,
  };
}

export function aStage(overrides: Partial<StageState> = {}): StageState {
  return {
    verdict: "pending",
    since: T0,
    url: null,
    detail: null,
    blockedSince: null,
    seenAny: false,
    failures: [],
    ...overrides,
  };
}

export function aRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 2,
    repo: "acme/widgets",
    issue: 42,
    installationId: 7,
    attempt: 1,
    phase: "dispatched",
    threadId: toThreadId({ installationId: 7, repo: "acme/widgets", issue: 42, attempt: 1 }),
    labeler: null,
    approval: null,
    queuedReason: null,
    dispatchedAt: T0,
    legStartedAt: T0,
    endedAt: null,
    turn: { number: 1, kind: "opening", state: "working", startedAt: T0, sha: null, relayText: null },
    turns: 1,
    agentStatus: null,
    sha: null,
    pushedAt: null,
    stages: { ci: null, deploy: null, rollout: null },
    fixForwards: 0,
    fixForwardsTotal: 0,
    escalation: null,
    doorbell: null,
    doorbellFailure: null,
    closedByCommit: null,
    turnSeenAt: null,
    problems: [],
    resumptions: [],
    history: [],
    repoConfig: defaultRepoConfig(anOperatorConfig()),
    ...overrides,
  };
}
