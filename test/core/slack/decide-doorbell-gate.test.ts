import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decideDoorbellAct,
  decideDoorbellGate,
  type ArmingFacts,
  type DoorbellActInput,
  type DoorbellFinding,
} from "../../../src/core/slack/decide-doorbell-gate.js";
import {
  NOT_ALLOWED_NOTICE,
  NOT_ALLOWED_PRESS_NOTICE,
  renderNotActingNotice,
} from "../../../src/core/render/slack-notices.js";

const REPO = "acme/widgets";
const TOO_OLD = "T3 is version 0.0.20; afk needs 0.0.29 or later";
const DOORBELL: DoorbellFinding = { kind: "doorbell", repo: REPO };

function anArming(overrides: Partial<ArmingFacts> = {}): ArmingFacts {
  return { killSwitch: false, allowlist: [REPO, "acme/other"], refusal: null, ...overrides };
}

function anInput(overrides: Partial<DoorbellActInput> = {}): DoorbellActInput {
  return { allowed: true, act: "reply", finding: DOORBELL, arming: anArming(), ...overrides };
}

describe("decideDoorbellGate", () => {
  it.each<[string, Partial<ArmingFacts>, ReturnType<typeof decideDoorbellGate>]>([
    ["open for an enrolled repo with the kill switch off", {}, { kind: "open" }],
    ["silenced by the kill switch, whatever the allowlist", { killSwitch: true }, { kind: "silenced" }],
    [
      "closed for a repo not on the allowlist",
      { allowlist: ["acme/other"] },
      { kind: "closed", why: { kind: "not-enrolled" } },
    ],
    [
      "closed for every repo with an empty allowlist",
      { allowlist: [] },
      { kind: "closed", why: { kind: "not-enrolled" } },
    ],
    [
      "closed while afk refuses to arm (T3 too old)",
      { refusal: TOO_OLD },
      { kind: "closed", why: { kind: "refused", reason: TOO_OLD } },
    ],
  ])("%s", (_name, arming, expected) => {
    expect(decideDoorbellGate(anArming(arming), REPO)).toEqual(expected);
  });

  it("matches the repo case-insensitively, as GitHub deliveries are", () => {
    expect(decideDoorbellGate(anArming(), "Acme/Widgets")).toEqual({ kind: "open" });
  });
});

describe("decideDoorbellAct", () => {
  it("acts for an allowed person on the doorbell of a repo afk acts on", () => {
    expect(decideDoorbellAct(anInput())).toEqual({ kind: "act" });
  });

  it.each<[string, DoorbellFinding]>([
    ["not a doorbell's thread", { kind: "not-a-doorbell" }],
    ["cannot tell whether it is a doorbell's thread", { kind: "unreadable" }],
  ])("says nothing to anyone, allowed or not, when it is %s", (why, finding) => {
    for (const allowed of [true, false])
      expect(decideDoorbellAct(anInput({ allowed, finding }))).toEqual({ kind: "nothing", why });
  });

  it.each([
    ["reply", NOT_ALLOWED_NOTICE],
    ["press", NOT_ALLOWED_PRESS_NOTICE],
  ] as const)("tells a person not allowed to steer agents so, in a doorbell's thread (%s)", (act, text) => {
    expect(decideDoorbellAct(anInput({ allowed: false, act }))).toEqual({
      kind: "tell",
      text,
      why: "the person may not steer agents",
    });
  });

  it.each([
    ["reply", "not-enrolled", { allowlist: ["acme/other"] }],
    ["press", "not-enrolled", { allowlist: ["acme/other"] }],
    ["reply", "refused", { refusal: TOO_OLD }],
    ["press", "refused", { refusal: TOO_OLD }],
  ] as const)(
    "tells an allowed person afk does not act on the repo now (%s, %s), and does not act",
    (act, kind, arming) => {
      const verdict = decideDoorbellAct(anInput({ act, arming: anArming(arming) }));
      const why = kind === "refused" ? { kind, reason: TOO_OLD } : { kind };
      expect(verdict).toEqual({
        kind: "tell",
        text: renderNotActingNotice(REPO, why, act),
        why: `afk does not act on ${REPO} now (${kind})`,
      });
    },
  );

  it("under the kill switch says nothing at all, not even to a person not allowed", () => {
    for (const allowed of [true, false])
      expect(decideDoorbellAct(anInput({ allowed, arming: anArming({ killSwitch: true }) }))).toEqual({
        kind: "nothing",
        why: "the kill switch is on",
      });
  });

  it("acts only for an allowed person, on a doorbell, of a repo afk acts on now", () => {
    const findings: DoorbellFinding[] = [
      DOORBELL,
      { kind: "doorbell", repo: "acme/elsewhere" },
      { kind: "not-a-doorbell" },
      { kind: "unreadable" },
    ];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom<"reply" | "press">("reply", "press"),
        fc.constantFrom(...findings),
        fc.record({
          killSwitch: fc.boolean(),
          allowlist: fc.subarray([REPO, "acme/other"]),
          refusal: fc.constantFrom(null, TOO_OLD),
        }),
        (allowed, act, finding, arming) => {
          const verdict = decideDoorbellAct({ allowed, act, finding, arming });
          const armed =
            finding.kind === "doorbell" &&
            !arming.killSwitch &&
            arming.refusal === null &&
            arming.allowlist.includes(finding.repo);
          expect(verdict.kind === "act").toBe(allowed && armed);
          // A notice only ever goes to someone acting on a doorbell, and never under the kill switch.
          if (verdict.kind === "tell") expect(finding.kind === "doorbell" && !arming.killSwitch).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
