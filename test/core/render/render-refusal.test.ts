import { describe, expect, it } from "vitest";
import { renderProgressComment } from "../../../src/core/render/render-progress.js";
import { renderResumePrompt } from "../../../src/core/render/prompts.js";
import { renderApprovalLine, renderRefusal, type Refusal } from "../../../src/core/render/render-refusal.js";
import { RECORD_MARKER_PREFIX } from "../../../src/core/run/record-codec.js";
import type { RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, anOperatorConfig, T0 } from "../builders.js";

const ctx = { config: anOperatorConfig(), githubUrl: "https://github.com" };
const queued: Partial<RunRecord> = {
  phase: "queued",
  dispatchedAt: null,
  legStartedAt: null,
  turn: null,
  turns: 0,
  history: [{ at: T0, phase: "queued", note: "queued" }],
};
const OBEYS = ["admin", "maintain", "write"];

const REFUSALS: [string, Refusal][] = [
  [
    "untrusted",
    {
      kind: "labeler-untrusted",
      labeler: "mallory",
      why: "mallory has role read, which is never trusted",
      standing: "read",
      silent: false,
      obeys: OBEYS,
    },
  ],
  ["label-stale", { kind: "label-stale", endedAt: T0 - 3_600_000 }],
  ["edited", { kind: "edited-after-approval", approvedBy: "maya", approvedAt: T0 - 600_000 }],
  [
    "config-invalid",
    {
      kind: "repo-config-invalid",
      problems:
        "deploy_to (prod): an unknown key; accepted: one of required_checks, ignored_checks, woodpecker, rollout, budgets",
    },
  ],
];

/** The visible part of a progress comment: everything before the hidden record. */
function visibleOf(comment: string): string {
  return comment.slice(0, comment.lastIndexOf(RECORD_MARKER_PREFIX));
}

describe("refusal golden files", () => {
  it.each(REFUSALS)("a run refused as %s says why in its progress comment", async (name, reason) => {
    const comment = renderProgressComment(aRecord({ ...queued, queuedReason: reason }), T0, ctx);
    await expect(visibleOf(comment)).toMatchFileSnapshot(`./golden/refused-${name}.md`);
  });

  it("the approval a dispatched run runs under: who, their role, how, and when", async () => {
    const approval = { by: "maya", role: "maintain", via: "label", at: T0 - 60_000, fingerprint: "f" } as const;
    const comment = renderProgressComment(aRecord({ approval }), T0 + 5 * 60_000, ctx);
    await expect(visibleOf(comment)).toMatchFileSnapshot("./golden/dispatched-approved.md");
  });

  it("the resume turn names each new commenter with their standing", async () => {
    const text = renderResumePrompt({
      issueNumber: 42,
      by: "maya (maintain)",
      commenters: [
        { login: "maya", standing: "maintain", trusted: true, comments: 2 },
        { login: "mallory", standing: "none", trusted: false, comments: 1 },
      ],
    });
    await expect(text).toMatchFileSnapshot("./golden/resume-commenters.txt");
  });
});

describe("renderRefusal", () => {
  it("never mentions anyone: a login is shown, but pings nobody", () => {
    for (const [, reason] of REFUSALS)
      expect(renderRefusal(reason, (text) => text.replace("@", "@\u200d"))).not.toMatch(/@[a-z]/);
  });

  it("names someone afk cannot identify, and an empty list of obeyed roles", () => {
    const text = renderRefusal(
      { kind: "labeler-untrusted", labeler: null, why: "x", standing: "unknown", silent: false, obeys: [] },
      (text) => text,
    );
    expect(text).toContain("applied by someone afk cannot identify (unknown)");
    expect(text).toContain("afk obeys no repository role here");
  });

  it("escapes what others wrote into the problems", () => {
    const text = renderRefusal({ kind: "repo-config-invalid", problems: "<b>x</b>" }, (raw) =>
      raw.replaceAll("<", "&lt;"),
    );
    expect(text).toContain("&lt;b>x&lt;/b>");
  });

  it("says a retry's approver is a Slack user, and a trusted edit as an edit", () => {
    const retry = { by: "Ursula (U1)", role: "slack", via: "retry", at: T0, fingerprint: null } as const;
    expect(renderApprovalLine(retry, (text) => text)).toBe(
      `**Approved by** Ursula (U1) (allowed Slack user), who asked in Slack to retry from scratch, at ${new Date(T0).toISOString()}.`,
    );
    const edit = { by: "olive", role: "admin", via: "edit", at: T0, fingerprint: "f" } as const;
    expect(renderApprovalLine(edit, (text) => text)).toContain("@olive (admin), who edited the issue");
  });
});
