import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  AGENT_SAID_MAX_CHARS,
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
} from "../../../src/core/run/limits.js";
import {
  decodeRecord,
  encodeRecord,
  isAfkComment,
  RECORD_MARKER_PREFIX,
  RECORD_MAX_CHARS,
  type DecodeResult,
} from "../../../src/core/run/record-codec.js";
import { runRecordSchema } from "../../../src/core/run/record-schema.js";
import { toFittedRecord } from "../../../src/core/run/record-fit.js";
import { renderProgressComment } from "../../../src/core/render/render-progress.js";
import type { CheckFailure, RunRecord } from "../../../src/core/run/run-types.js";
import { arbRecord } from "../arbitraries.js";
import { aRecord, aStage, anOperatorConfig, T0 } from "../builders.js";
import { aLargestRecord, toFilled } from "../largest-record.js";

const ctx = { config: anOperatorConfig(), githubUrl: "https://github.com" };

function jsonOf(record: RunRecord): string {
  return encodeRecord(record).slice(RECORD_MARKER_PREFIX.length, -" -->".length);
}

function withMarker(json: string): string {
  return `checklist\n\n${RECORD_MARKER_PREFIX}${json} -->`;
}

function errorKind(result: DecodeResult): string {
  return result.ok ? "ok" : result.error.kind;
}

function aFailure(overrides: Partial<CheckFailure> = {}): CheckFailure {
  return { name: "test", conclusion: "failure", summary: null, url: null, logTail: null, ...overrides };
}

/** GitHub refuses a comment body longer than this. */
const GITHUB_COMMENT_MAX_CHARS = 65_536;

describe("encodeRecord", () => {
  it("wraps the record in a hidden afk:run HTML comment", () => {
    const encoded = encodeRecord(aRecord());
    expect(encoded.startsWith("<!-- afk:run {")).toBe(true);
    expect(encoded.endsWith("} -->")).toBe(true);
  });

  it("escapes <, > and & inside the JSON so no text can close the comment or become markup", () => {
    const record = aRecord({ history: [{ at: T0, phase: "dispatched", note: "--> <script>x</script> --!> a&b" }] });
    const json = jsonOf(record);
    expect(json).not.toMatch(/[<>&]/);
    expect(json).toContain("\\u003cscript\\u003e");
    expect(json).toContain("a\\u0026b");
    expect(decodeRecord(encodeRecord(record))).toEqual({ ok: true, record });
  });

  it("keeps a record that fits exactly as it is", () => {
    const record = aRecord();
    expect(JSON.parse(jsonOf(record))).toEqual(record);
  });
});

describe("decodeRecord: fields added later", () => {
  it("reads a record written before turnSeenAt as no turn judged yet", () => {
    const { turnSeenAt: _dropped, ...older } = aRecord({ turnSeenAt: 5 });
    expect(decodeRecord(withMarker(JSON.stringify(older)))).toEqual({
      ok: true,
      record: aRecord({ turnSeenAt: null }),
    });
  });
});

describe("decodeRecord", () => {
  it.each([
    ["null", null, "missing"],
    ["undefined", undefined, "missing"],
    ["an empty body", "", "missing"],
    ["a body without a marker", "Just a comment <!-- other -->", "missing"],
    ["a marker that is never closed", `${RECORD_MARKER_PREFIX}{"v":1`, "malformed"],
    ["a marker holding bad JSON", withMarker("{v:1}"), "malformed"],
    ["a marker holding a JSON array", withMarker("[1]"), "malformed"],
    ["a marker holding JSON null", withMarker("null"), "malformed"],
    ["a marker holding a JSON number", withMarker("1"), "malformed"],
    ["a record without a version", withMarker("{}"), "unknown-version"],
    ["a record of version 3", withMarker('{"v":3,"anything":true}'), "unknown-version"],
    ["a record of version 0", withMarker('{"v":0}'), "unknown-version"],
    ["a version that is not a number", withMarker('{"v":"1"}'), "invalid"],
    ["a version 1 record missing fields", withMarker('{"v":1}'), "invalid"],
  ])("reports %s as %s", (_name, body, kind) => {
    expect(errorKind(decodeRecord(body))).toBe(kind);
  });

  /** A record as version 1 wrote it: no approval, no incidents, no relayed text in its turn. */
  function toV1(record: ReturnType<typeof aRecord>): Record<string, unknown> {
    const { approval: _a, doorbellFailure: _d, closedByCommit: _c, problems: _p, turn, ...rest } = record;
    const v1Turn = turn === null ? null : (({ relayText: _r, ...kept }) => kept)(turn);
    return { ...rest, turn: v1Turn, v: 1 };
  }

  it("reads a version 1 record (before the typed approval) as version 2, with no approval", () => {
    const decoded = decodeRecord(withMarker(JSON.stringify(toV1(aRecord({ phase: "dispatched" })))));
    expect(decoded).toEqual({ ok: true, record: aRecord({ phase: "dispatched" }) });
  });

  it("reads a version 1 retry's approval out of its history note, for the attempt it queued only", () => {
    const note = (attempt: number) => ({
      at: T0,
      phase: "queued" as const,
      note: `retry from scratch requested by Ursula: attempt ${attempt}`,
    });
    const v1 = (attempt: number) =>
      withMarker(JSON.stringify(toV1(aRecord({ phase: "queued", attempt: 2, history: [note(attempt)] }))));
    expect(decodeRecord(v1(2))).toMatchObject({
      ok: true,
      record: { v: 2, approval: { by: "Ursula", role: "slack", via: "retry", at: T0, fingerprint: null } },
    });
    expect(decodeRecord(v1(3))).toMatchObject({ ok: true, record: { approval: null } });
  });

  it("reads a marker that follows the checklist and other text", () => {
    const record = aRecord();
    expect(decodeRecord(`### heading\n\n- [x] done\n\n${encodeRecord(record)}\n`)).toEqual({ ok: true, record });
  });

  it("lets the last marker win when a body holds several", () => {
    const first = aRecord({ attempt: 1 });
    const last = aRecord({ attempt: 2 });
    expect(decodeRecord(`${encodeRecord(first)}\n${encodeRecord(last)}`)).toEqual({ ok: true, record: last });
  });

  it("reports a truncated last marker as malformed even when an earlier marker is whole", () => {
    const whole = encodeRecord(aRecord());
    expect(errorKind(decodeRecord(`${whole}\n${whole.slice(0, 40)}`))).toBe("malformed");
  });

  it("rejects unknown keys (strict objects)", () => {
    const json = JSON.stringify({ ...aRecord(), extra: 1 });
    const result = decodeRecord(withMarker(json));
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid" } });
    expect(result.ok ? "" : result.error.message).toContain("extra");
  });

  it("names the path of each problem, the first three, and counts the rest", () => {
    const broken = { ...aRecord(), phase: "flying", issue: -1, turns: "one", attempt: 0, fixForwards: null };
    const result = decodeRecord(withMarker(JSON.stringify(broken)));
    expect(result.ok).toBe(false);
    const message = result.ok ? "" : result.error.message;
    expect(message).toMatch(/issue: .*; attempt: .*; phase: /);
    expect(message).toContain("and 2 more");
  });

  it("names nested paths", () => {
    const record = aRecord({
      stages: {
        ci: aStage({ failures: [aFailure({ name: toFilled(FAILURE_NAME_MAX_CHARS + 1) })] }),
        deploy: null,
        rollout: null,
      },
    });
    const result = decodeRecord(withMarker(JSON.stringify(record)));
    expect(result.ok ? "" : result.error.message).toContain("stages.ci.failures.0.name");
  });

  it("reports a top-level problem without a path as the record itself", () => {
    const result = decodeRecord(withMarker('{"v":1,"x":1}'));
    expect(result.ok ? "" : result.error.message).toMatch(/^the afk run record fails validation: /);
  });
});

const ci = (failure: Partial<CheckFailure>, count = 1) =>
  ({
    stages: {
      ci: aStage({ verdict: "red", failures: Array.from({ length: count }, () => aFailure(failure)) }),
      deploy: null,
      rollout: null,
    },
  }) as const;

describe("the schema enforces the bounds of limits.ts", () => {
  const bounded: [string, (n: number) => Partial<RunRecord>, number][] = [
    [
      "history entries",
      (n) => ({ history: Array.from({ length: n }, () => ({ at: T0, phase: "ci" as const, note: "n" })) }),
      HISTORY_MAX,
    ],
    [
      "resumptions",
      (n) => ({ resumptions: Array.from({ length: n }, () => ({ by: "a", via: "github" as const, at: T0 })) }),
      RESUMPTIONS_MAX,
    ],
    ["failures of a stage", (n) => ci({}, n), FAILURES_MAX],
    [
      "agentSaid",
      (n) => ({ escalation: { cause: "agent", reason: "r", agentSaid: toFilled(n), at: T0, resumeTo: "dispatched" } }),
      AGENT_SAID_MAX_CHARS,
    ],
    [
      "the reason",
      (n) => ({ escalation: { cause: "agent", reason: toFilled(n), agentSaid: null, at: T0, resumeTo: "dispatched" } }),
      REASON_MAX_CHARS,
    ],
    ["a failure summary", (n) => ci({ summary: toFilled(n) }), FAILURE_SUMMARY_MAX_CHARS],
    ["a failure log tail", (n) => ci({ logTail: toFilled(n) }), FAILURE_LOG_MAX_CHARS],
    ["a failure name", (n) => ci({ name: toFilled(n) }), FAILURE_NAME_MAX_CHARS],
    ["a failure url", (n) => ci({ url: toFilled(n) }), URL_MAX_CHARS],
    [
      "a stage detail",
      (n) => ({ stages: { ci: null, deploy: aStage({ detail: toFilled(n) }), rollout: null } }),
      DETAIL_MAX_CHARS,
    ],
    [
      "a stage url",
      (n) => ({ stages: { ci: null, deploy: null, rollout: aStage({ url: toFilled(n) }) } }),
      URL_MAX_CHARS,
    ],
    ["a history note", (n) => ({ history: [{ at: T0, phase: "ci", note: toFilled(n) }] }), NOTE_MAX_CHARS],
    ["the labeler's login", (n) => ({ labeler: toFilled(n) }), LOGIN_MAX_CHARS],
    ["a resumer's login", (n) => ({ resumptions: [{ by: toFilled(n), via: "slack", at: T0 }] }), LOGIN_MAX_CHARS],
  ];

  it.each(bounded)("accepts %s at the bound", (_name, build, max) => {
    expect(decodeRecord(withMarker(JSON.stringify(aRecord(build(max)))))).toMatchObject({ ok: true });
  });

  it.each(bounded)("rejects %s one past the bound", (_name, build, max) => {
    expect(errorKind(decodeRecord(withMarker(JSON.stringify(aRecord(build(max + 1))))))).toBe("invalid");
  });

  it.each([
    ["a non-integer time", { dispatchedAt: 1.5 }],
    ["a negative count", { turns: -1 }],
    ["attempt 0", { attempt: 0 }],
    ["an unknown phase", { phase: "flying" }],
    [
      "an unknown escalation cause",
      { escalation: { cause: "bored", reason: "r", agentSaid: null, at: T0, resumeTo: "ci" } },
    ],
    [
      "a terminal phase to resume to",
      { escalation: { cause: "agent", reason: "r", agentSaid: null, at: T0, resumeTo: "shipped" } },
    ],
    ["an unknown queued reason", { queuedReason: { kind: "bored" } }],
    ["an unknown rollout kind", { repoConfig: { ...aRecord().repoConfig, rollout: { kind: "helm" } } }],
  ])("rejects %s", (_name, overrides) => {
    expect(errorKind(decodeRecord(withMarker(JSON.stringify({ ...aRecord(), ...overrides }))))).toBe("invalid");
  });
});

describe("isAfkComment", () => {
  it.each([
    [encodeRecord(aRecord()), true],
    [`text\n${RECORD_MARKER_PREFIX}`, true],
    ["<!-- afk:other -->", false],
    ["", false],
    [null, false],
    [undefined, false],
  ])("finds the progress comment by its marker (%#)", (body, expected) => {
    expect(isAfkComment(body)).toBe(expected);
  });
});

describe("codec properties", () => {
  it("decodes every valid record it encoded to the same record", () => {
    fc.assert(
      fc.property(arbRecord, (record) => {
        expect(encodeRecord(record).length).toBeLessThanOrEqual(RECORD_MAX_CHARS);
        expect(decodeRecord(encodeRecord(record))).toEqual({ ok: true, record });
      }),
      { numRuns: 300 },
    );
  });

  it("never throws for any string", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `${RECORD_MARKER_PREFIX}${s}`),
          fc.string().map((s) => withMarker(s)),
        ),
        (body) => {
          expect(typeof decodeRecord(body).ok).toBe("boolean");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws for an encoding truncated at any position, and only the whole one decodes", () => {
    const encoded = encodeRecord(
      aRecord({ history: [{ at: T0, phase: "dispatched", note: "--> <b>" }], sha: "abc1234" }),
    );
    for (let cut = 0; cut < encoded.length; cut++) {
      const kind = errorKind(decodeRecord(encoded.slice(0, cut)));
      expect(kind === "missing" || kind === "malformed").toBe(true);
    }
    expect(errorKind(decodeRecord(encoded))).toBe("ok");
  });

  it("never throws for an encoding with random character edits", () => {
    fc.assert(
      fc.property(
        arbRecord,
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 5 }),
        (record, edits) => {
          let body = encodeRecord(record);
          for (const [at, insert, remove] of edits) {
            const i = at % (body.length + 1);
            body = body.slice(0, i) + insert + body.slice(i + remove);
          }
          const result = decodeRecord(body);
          if (result.ok) expect(runRecordSchema.safeParse(result.record).success).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("size", () => {
  it("builds the largest record the schema accepts", () => {
    expect(runRecordSchema.safeParse(aLargestRecord()).success).toBe(true);
  });

  it("keeps the whole comment for the largest record under 40,000 characters", () => {
    const record = aLargestRecord();
    const comment = renderProgressComment(record, T0 + 3_600_000, ctx);
    expect(encodeRecord(record).length).toBeLessThanOrEqual(RECORD_MAX_CHARS);
    expect(comment.length).toBeLessThan(40_000);
    expect(decodeRecord(comment)).toMatchObject({ ok: true });
  });

  it("keeps the whole comment under GitHub's limit when all agent and CI text is <, escaped to six characters", () => {
    const record = aLargestRecord("<");
    const comment = renderProgressComment(record, T0, { ...ctx, config: anOperatorConfig({ slack: null }) });
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_MAX_CHARS);
    expect(decodeRecord(comment)).toMatchObject({ ok: true });
  });

  it("sheds only what does not fit: the largest record loses log tails and summaries, keeps ids, verdicts and pinned config", () => {
    const record = aLargestRecord();
    const decoded = decodeRecord(encodeRecord(record));
    if (!decoded.ok) throw new Error(decoded.error.message);
    const shed = decoded.record;
    expect(shed.stages.ci?.failures.every((f) => f.logTail === null && f.summary === null)).toBe(true);
    expect(shed.history.length).toBeLessThan(record.history.length);
    expect([shed.threadId, shed.sha, shed.repoConfig, shed.stages.ci?.verdict]).toEqual([
      record.threadId,
      record.sha,
      record.repoConfig,
      "red",
    ]);
  });
});

describe("toFittedRecord", () => {
  it("returns the same record when it fits", () => {
    const record = aRecord();
    expect(toFittedRecord(record, () => true)).toBe(record);
  });

  it.each([
    [
      "a blocked question",
      { agentStatus: { kind: "blocked", question: toFilled(1_000) } },
      (r: RunRecord) => r.agentStatus?.kind === "blocked" && r.agentStatus.question.length,
    ],
    [
      "a gave-up reason",
      { agentStatus: { kind: "gave-up", why: toFilled(1_000) } },
      (r: RunRecord) => r.agentStatus?.kind === "gave-up" && r.agentStatus.why.length,
    ],
    [
      "what the agent said",
      { escalation: { cause: "agent", reason: "r", agentSaid: toFilled(1_000), at: T0, resumeTo: "ci" } },
      (r: RunRecord) => r.escalation?.agentSaid?.length,
    ],
  ] as const)("cuts %s to 300 characters when nothing else is left to shed", (_name, overrides, length) => {
    expect(length(toFittedRecord(aRecord(overrides), () => false))).toBe(300);
  });

  it("keeps short agent text, a pushed status and a null escalation as they are", () => {
    const record = aRecord({ agentStatus: { kind: "pushed", sha: "abc1234" }, escalation: null });
    const shed = toFittedRecord({ ...record, agentStatus: { kind: "blocked", question: "why?" } }, () => false);
    expect(shed.agentStatus).toEqual({ kind: "blocked", question: "why?" });
    expect(toFittedRecord(record, () => false).agentStatus).toEqual(record.agentStatus);
    const silent = { cause: "lost", reason: "r", agentSaid: null, at: T0, resumeTo: "ci" } as const;
    expect(toFittedRecord(aRecord({ escalation: silent }), () => false).escalation).toEqual(silent);
  });

  it("sheds everything sheddable, in order, when nothing fits", () => {
    const record = aRecord({
      queuedReason: {
        kind: "blocked",
        by: Array.from({ length: 8 }, (_, i) => ({ repo: "acme/widgets", number: i + 1 })),
        unreadable: [],
        notRead: 0,
      },
      ...ci({ logTail: "log", summary: "s", url: "https://x" }, 3),
      history: [{ at: T0, phase: "ci", note: "n" }],
      resumptions: Array.from({ length: 5 }, () => ({ by: "a", via: "github" as const, at: T0 })),
    });
    const shed = toFittedRecord(record, () => false);
    expect(shed.stages.ci?.failures).toEqual([aFailure()]);
    expect(shed.history).toEqual([]);
    expect(shed.resumptions).toHaveLength(3);
    expect(shed.queuedReason).toEqual({
      kind: "blocked",
      by: record.queuedReason?.kind === "blocked" ? record.queuedReason.by.slice(0, 3) : [],
      unreadable: [],
      notRead: 0,
    });
    expect(
      toFittedRecord(aRecord({ queuedReason: { kind: "cap-reached", cap: 3 } }), () => false).queuedReason,
    ).toEqual({ kind: "cap-reached", cap: 3 });
  });
});
