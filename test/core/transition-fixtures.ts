// Shared helpers for the run machine's tests: a context, event builders that default
// every field, and short ways to look at effects.

import type { OperatorConfig, RepoConfig } from "../../src/core/config/config-types.js";
import { defaultRepoConfig } from "../../src/core/config/config-types.js";
import { transition } from "../../src/core/run/transition.js";
import type { Effect, MachineContext, Transition } from "../../src/core/run/effect.js";
import type { RunEvent } from "../../src/core/run/run-event.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { T0, aRecord, aStage, anIssue, anOperatorConfig } from "./builders.js";

export const MINUTE = 60_000;
export const SHA = "a".repeat(40);
export const SHA2 = "b".repeat(40);
export const KEY = { installationId: 7, repo: "acme/widgets", issue: 42, attempt: 1 } as const;

export const SLACK: NonNullable<OperatorConfig["slack"]> = {
  botToken: "xoxb-test",
  signingSecret: "secret",
  channel: "C0AFK",
  allowedUsers: ["U0ALICE"],
  apiUrl: null,
  announceShipped: false,
};

export function aContext(overrides: Partial<OperatorConfig> = {}): MachineContext {
  return { config: anOperatorConfig(overrides) };
}

export const CTX = aContext();
export const SLACK_CTX = aContext({ slack: SLACK });

export function step(record: RunRecord, event: RunEvent, now = T0 + MINUTE, ctx: MachineContext = CTX): Transition {
  return transition(record, event, now, ctx);
}

export function kinds(effects: readonly Effect[]): string[] {
  return effects.map((effect) => effect.kind);
}

export function effectOf<K extends Effect["kind"]>(effects: readonly Effect[], kind: K): Extract<Effect, { kind: K }> {
  const found = effects.find((effect): effect is Extract<Effect, { kind: K }> => effect.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} effect in [${kinds(effects).join(", ")}]`);
  return found;
}

export function aRepoConfig(overrides: Partial<RepoConfig> = {}): RepoConfig {
  return { ...defaultRepoConfig(anOperatorConfig()), ...overrides };
}

export const FULL_PIPELINE = aRepoConfig({
  woodpeckerRepo: "acme/deploy",
  rollout: { kind: "kubernetes", namespace: "prod", deployment: "widgets", container: "app" },
});

/** A run following SHA in the given stage phase, its opening turn ended. */
export function aPushedRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    phase: "pushed",
    sha: SHA,
    pushedAt: T0,
    turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
    stages: { ci: aStage(), deploy: null, rollout: null },
    ...overrides,
  });
}

export function anEscalatedRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return aPushedRecord({
    phase: "escalated",
    escalation: {
      cause: "agent",
      reason: "The agent asked a question.",
      agentSaid: "Which colour?",
      at: T0,
      resumeTo: "ci",
    },
    ...overrides,
  });
}

type Ev<K extends RunEvent["kind"]> = Extract<RunEvent, { kind: K }>;

export const ev = {
  dispatch: (o: Partial<Ev<"DispatchApproved">> = {}): Ev<"DispatchApproved"> => ({
    kind: "DispatchApproved",
    issue: anIssue(),
    labeler: "alice",
    defaultBranch: "main",
    cloneUrl: "https://github.com/acme/widgets.git",
    startedAt: null,
    repoConfig: aRepoConfig(),
    approval: null,
    ...o,
  }),
  turnEnded: (o: Partial<Ev<"TurnEnded">> = {}): Ev<"TurnEnded"> => ({
    kind: "TurnEnded",
    outcome: "completed",
    status: { kind: "pushed", sha: SHA },
    lastMessage: "Done.\nAFK-STATUS: pushed " + SHA,
    error: null,
    ...o,
  }),
  ci: (o: Partial<Ev<"CiObserved">> = {}): Ev<"CiObserved"> => ({
    kind: "CiObserved",
    sha: SHA,
    verdict: "pending",
    seenAny: true,
    url: null,
    failures: [],
    ...o,
  }),
  deploy: (o: Partial<Ev<"DeployObserved">> = {}): Ev<"DeployObserved"> => ({
    kind: "DeployObserved",
    sha: SHA,
    verdict: "pending",
    url: null,
    detail: null,
    ...o,
  }),
  rollout: (o: Partial<Ev<"RolloutObserved">> = {}): Ev<"RolloutObserved"> => ({
    kind: "RolloutObserved",
    sha: SHA,
    verdict: "pending",
    url: null,
    detail: null,
    ...o,
  }),
  resumed: (o: Partial<Ev<"HumanResumed">> = {}): Ev<"HumanResumed"> => ({
    kind: "HumanResumed",
    by: "alice",
    via: "github",
    text: null,
    ...o,
  }),
};

export const FAILURE = {
  name: "test (ubuntu)",
  conclusion: "failure",
  summary: "1 test failed: spins()",
  url: "https://github.com/acme/widgets/actions/runs/1",
  logTail: "FAIL test/spin.test.ts\nexpected 1 to be 2",
};
