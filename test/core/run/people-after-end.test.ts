import { describe, expect, it } from "vitest";
import type { Actor, IssueEventFact } from "../../../src/core/common/github-types.js";
import { toConvergence } from "../../../src/core/run/converge.js";
import { NOBODY_AFTER_END, toPeopleAfterEnd } from "../../../src/core/run/people-after-end.js";
import { aRecord, anOperatorConfig, T0 } from "../builders.js";

const READY = "ready-for-agent";
const HUMAN = "ready-for-human";
const LOCK = "afk:in-progress";
const MINUTE = 60_000;
const ENDED = T0 + 10 * MINUTE;
const alice: Actor = { login: "alice", id: 1, type: "User" };
const afk: Actor = { login: "afk-test[bot]", id: 2, type: "Bot" };
const self = { login: afk.login };

const at = (kind: IssueEventFact["kind"], actor: Actor, when: number, label: string | null = null): IssueEventFact => ({
  kind,
  actor,
  label,
  commitId: null,
  at: when,
});
const shipped = aRecord({ phase: "shipped", endedAt: ENDED });
const after = ENDED + MINUTE;

describe("toPeopleAfterEnd", () => {
  it.each<[string, IssueEventFact[], { labels: string[]; reopened: boolean }]>([
    ["nothing after the end", [at("labeled", alice, T0, READY)], { labels: [], reopened: false }],
    [
      "a person's reopen and human label after the end",
      [at("closed", afk, ENDED), at("reopened", alice, after), at("labeled", alice, after, HUMAN)],
      { labels: [HUMAN], reopened: true },
    ],
    [
      "afk's own acts after the end are not theirs",
      [at("reopened", afk, after), at("labeled", afk, after, HUMAN)],
      { labels: [], reopened: false },
    ],
    [
      "a label they applied and took off again",
      [at("labeled", alice, after, READY), at("unlabeled", alice, after + 1, READY)],
      { labels: [], reopened: false },
    ],
    [
      "a reopen closed again since",
      [at("reopened", alice, after), at("closed", alice, after + 1)],
      { labels: [], reopened: false },
    ],
    [
      "the ready label applied before the run, left over by a half-done ship",
      [at("labeled", alice, T0, READY), at("labeled", afk, T0 + 1, LOCK)],
      { labels: [], reopened: false },
    ],
  ])("%s", (_case, events, expected) => {
    expect(toPeopleAfterEnd(shipped, events, self)).toEqual(expected);
  });

  it("says nothing for a run that has not ended", () => {
    const events = [at("labeled", alice, after, HUMAN)];
    expect(toPeopleAfterEnd(aRecord({ phase: "ci", endedAt: null }), events, self)).toEqual(NOBODY_AFTER_END);
  });
});

describe("toConvergence of an ended run: what people did since is theirs", () => {
  const config = anOperatorConfig();
  const base = { readyLabeledAt: null, notices: null, thread: undefined, now: after, config } as const;

  it("a half-done ship is closed and unlabelled", () => {
    const effects = toConvergence({ ...base, record: shipped, issue: { state: "open", labels: [LOCK, READY] } });
    expect(effects.map((effect) => effect.kind)).toEqual(["CloseIssue", "RemoveLabels"]);
  });

  it("a shipped issue a person reopened and handed to people stays open, with their label", () => {
    const people = { labels: [HUMAN], reopened: true };
    const issue = { state: "open", labels: [HUMAN] } as const;
    expect(toConvergence({ ...base, record: shipped, issue, peopleAfterEnd: people })).toEqual([]);
  });

  it("a label of theirs stays while afk's own leftover comes off", () => {
    const people = { labels: [READY], reopened: false };
    const issue = { state: "closed", labels: [LOCK, READY] } as const;
    expect(toConvergence({ ...base, record: shipped, issue, peopleAfterEnd: people })).toEqual([
      { kind: "RemoveLabels", labels: [LOCK] },
    ]);
  });
});
