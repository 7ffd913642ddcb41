// The largest run record the codec's schema accepts: every list full, every string at
// its bound. Used to prove the progress comment stays far below GitHub's comment limit.
// `fill` fills the free text that agents, CI and people write (pass "<" for the worst
// escaping); ids, urls, repo names and pinned configuration, which come from GitHub, T3,
// Slack and the operator, are filled with "x".

import {
  AGENT_SAID_MAX_CHARS,
  COMMENTERS_MAX,
  DETAIL_MAX_CHARS,
  FAILURE_LOG_MAX_CHARS,
  FAILURE_NAME_MAX_CHARS,
  FAILURE_SUMMARY_MAX_CHARS,
  FAILURES_MAX,
  HISTORY_MAX,
  LOGIN_MAX_CHARS,
  NOTE_MAX_CHARS,
  REASON_MAX_CHARS,
  RESUMPTIONS_MAX,
  URL_MAX_CHARS,
} from "../../src/core/run/limits.js";
import {
  BLOCKERS_MAX,
  ID_MAX_CHARS,
  PINNED_CHECKS_MAX,
  REPO_MAX_CHARS,
  SHORT_TEXT_MAX_CHARS,
} from "../../src/core/run/limits.js";
import type { RunRecord, StageState } from "../../src/core/run/run-types.js";
import { aRecord, anOperatorConfig, T0 } from "./builders.js";

/** `n` characters of `fill` (repeated). */
export function toFilled(n: number, fill = "x"): string {
  return fill.repeat(Math.ceil(n / fill.length)).slice(0, n);
}

function fullStage(fill: string): StageState {
  return {
    verdict: "red",
    since: T0,
    url: toFilled(URL_MAX_CHARS),
    detail: toFilled(DETAIL_MAX_CHARS, fill),
    blockedSince: T0,
    seenAny: true,
    failures: Array.from({ length: FAILURES_MAX }, () => ({
      name: toFilled(FAILURE_NAME_MAX_CHARS, fill),
      conclusion: toFilled(SHORT_TEXT_MAX_CHARS, fill),
      summary: toFilled(FAILURE_SUMMARY_MAX_CHARS, fill),
      url: toFilled(URL_MAX_CHARS),
      logTail: toFilled(FAILURE_LOG_MAX_CHARS, fill),
    })),
  };
}

export function aLargestRecord(fill = "x"): RunRecord {
  const login = toFilled(LOGIN_MAX_CHARS);
  const id = toFilled(ID_MAX_CHARS);
  const check = toFilled(FAILURE_NAME_MAX_CHARS);
  const repo = toFilled(REPO_MAX_CHARS);
  return aRecord({
    repo,
    phase: "escalated",
    threadId: id,
    labeler: login,
    queuedReason: {
      kind: "blocked",
      by: Array.from({ length: BLOCKERS_MAX }, (_, i) => ({ repo, number: 1_000_000 + i })),
      unreadable: [],
      notRead: 0,
    },
    endedAt: T0,
    approval: { by: login, role: "maintain", via: "edit", at: T0, fingerprint: id },
    turn: {
      number: 99,
      kind: "resume",
      state: "ended",
      startedAt: T0,
      sha: id,
      relayText: null,
      commenters: Array.from({ length: COMMENTERS_MAX }, () => ({
        login,
        standing: toFilled(SHORT_TEXT_MAX_CHARS),
        trusted: false,
        comments: 1_000,
      })),
    },
    agentStatus: { kind: "blocked", question: toFilled(AGENT_SAID_MAX_CHARS, fill) },
    sha: id,
    pushedAt: T0,
    stages: { ci: fullStage(fill), deploy: fullStage(fill), rollout: fullStage(fill) },
    escalation: {
      cause: "red-budget-spent",
      reason: toFilled(REASON_MAX_CHARS, fill),
      agentSaid: toFilled(AGENT_SAID_MAX_CHARS, fill),
      at: T0,
      resumeTo: "rolling-out",
    },
    doorbell: { channel: id, ts: id },
    resumptions: Array.from({ length: RESUMPTIONS_MAX }, () => ({ by: login, via: "slack" as const, at: T0 })),
    history: Array.from({ length: HISTORY_MAX }, () => ({
      at: T0,
      phase: "escalated" as const,
      note: toFilled(NOTE_MAX_CHARS, fill),
    })),
    repoConfig: {
      requiredChecks: Array.from({ length: PINNED_CHECKS_MAX }, () => check),
      ignoredChecks: Array.from({ length: PINNED_CHECKS_MAX }, () => check),
      woodpeckerRepo: repo,
      rollout: { kind: "version-url", url: toFilled(URL_MAX_CHARS), consecutive: 20 },
      budgets: anOperatorConfig().budgets,
    },
  });
}
