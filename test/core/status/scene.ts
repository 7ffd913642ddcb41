// A status page's worth of runs, one per interesting kind, for the view and golden tests.

import type { StatusInput } from "../../../src/core/status/status-types.js";
import type { RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, aStage, anOperatorConfig, T0 } from "../builders.js";

export const MIN = 60_000;
export const NOW = T0 + 90 * MIN;
export const SHA = "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
export const HOSTILE_TITLE = `"><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> Tom & Jerry's 'quote'`;

const FULL_PIPELINE: RunRecord["repoConfig"] = {
  ...aRecord().repoConfig,
  woodpeckerRepo: "acme/widgets",
  rollout: { kind: "kubernetes", namespace: "prod", deployment: "widgets", container: "app" },
};

const ended = { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null } as const;

/** Deploying with a green CI and a running pipeline: the agent's turn has ended. */
export function aDeployingRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    issue: 4,
    phase: "deploying",
    labeler: "octocat",
    sha: SHA,
    pushedAt: T0 + 20 * MIN,
    turn: ended,
    fixForwards: 1,
    fixForwardsTotal: 1,
    repoConfig: FULL_PIPELINE,
    stages: {
      ci: aStage({ verdict: "green", seenAny: true, url: "https://github.com/acme/widgets/actions/runs/9" }),
      deploy: aStage({
        since: T0 + 40 * MIN,
        url: "https://ci.acme.test/repos/1/pipeline/7",
        detail: "pipeline #7 running",
      }),
      rollout: null,
    },
    ...overrides,
  });
}

export function aQueuedRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    issue: 5,
    phase: "queued",
    labeler: "hubot",
    dispatchedAt: null,
    legStartedAt: null,
    turn: null,
    turns: 0,
    queuedReason: { kind: "repo-busy", with: 4 },
    history: [{ at: T0 + 30 * MIN, phase: "queued", note: "queued" }],
    ...overrides,
  });
}

export function anEscalatedRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    repo: "acme/api",
    issue: 12,
    phase: "escalated",
    labeler: "mona",
    turn: ended,
    escalation: {
      cause: "agent",
      reason: "The agent asked: should <b>it</b> spin clockwise & fast?",
      agentSaid: null,
      at: T0 + 60 * MIN,
      resumeTo: "tests-green",
    },
    ...overrides,
  });
}

export function aShippedRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    issue: 2,
    phase: "shipped",
    labeler: "octocat",
    sha: SHA,
    turn: ended,
    dispatchedAt: T0 - 60 * MIN,
    legStartedAt: T0 - 60 * MIN,
    endedAt: T0 - 10 * MIN,
    repoConfig: FULL_PIPELINE,
    stages: {
      ci: aStage({ verdict: "green", url: "https://github.com/acme/widgets/actions/runs/8" }),
      deploy: aStage({ verdict: "green", url: "https://ci.acme.test/repos/1/pipeline/6" }),
      rollout: aStage({ verdict: "green", url: "https://widgets.acme.test/version" }),
    },
    history: [{ at: T0 - 10 * MIN, phase: "shipped", note: "shipped 3f1c2d4" }],
    ...overrides,
  });
}

export function aCancelledRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    issue: 3,
    phase: "cancelled",
    labeler: "octocat",
    turn: ended,
    dispatchedAt: T0 - 30 * MIN,
    legStartedAt: T0 - 30 * MIN,
    endedAt: T0 - 20 * MIN,
    history: [{ at: T0 - 20 * MIN, phase: "cancelled", note: "cancelled by mona: the ready label was removed" }],
    ...overrides,
  });
}

/** Every group filled; the escalated run carries a hostile title and an approval with a role. */
export function aScene(): StatusInput {
  return {
    runs: [
      { record: aDeployingRecord(), title: "Widgets should spin" },
      {
        record: aRecord({
          repo: "acme/api",
          issue: 7,
          labeler: "mona",
          dispatchedAt: T0 + 80 * MIN,
          legStartedAt: T0 + 80 * MIN,
        }),
        title: null,
      },
      { record: aQueuedRecord(), title: "Spin faster" },
      {
        record: anEscalatedRecord({
          approval: { by: "mona", role: "maintain", via: "label", at: T0 - 5 * MIN, fingerprint: null },
        }),
        title: HOSTILE_TITLE,
      },
      { record: aShippedRecord(), title: "Count the widgets" },
      { record: aCancelledRecord(), title: "Paint it black" },
    ],
    config: anOperatorConfig({ t3: { ...anOperatorConfig().t3, baseUrl: "https://t3.acme.test" } }),
    githubUrl: "https://github.com",
    armed: true,
  };
}
