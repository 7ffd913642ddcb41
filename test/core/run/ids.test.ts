import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  AFK_NAMESPACE,
  type RunKey,
  toCommandId,
  toMessageId,
  toProjectCommandId,
  toProjectId,
  toRunName,
  toThreadId,
  toUuidV5,
} from "../../../src/core/run/ids.js";

const NAMESPACE_DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const NAMESPACE_URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function key(overrides: Partial<RunKey> = {}): RunKey {
  return { installationId: 42, repo: "octo/hello-world", issue: 7, attempt: 1, ...overrides };
}

describe("toUuidV5", () => {
  // Vectors from python3's uuid.uuid5 (the RFC 9562 reference behaviour).
  it.each<[string, string, string]>([
    ["python.org", NAMESPACE_DNS, "886313e1-3b8a-5372-9b90-0c9aee199e5d"],
    ["https://github.com/", NAMESPACE_URL, "39983165-606c-5d83-abfa-b97af8b1ae8d"],
    ["1/a/b#1/1", AFK_NAMESPACE, "6aaf9cca-cd68-5179-bc54-f696b5ec7c11"],
    ["", AFK_NAMESPACE, "9bd205bd-b27e-5515-a7c1-05007c11cf5f"],
    ["é/ü#1/1", AFK_NAMESPACE, "abbd6b02-053d-5805-afdc-c25f1acb8613"],
  ])("uuid5(%j) in %s matches the reference", (name, namespace, expected) => {
    expect(toUuidV5(name, namespace)).toBe(expected);
  });

  it("uses afk's namespace by default", () => {
    expect(toUuidV5("1/a/b#1/1")).toBe("6aaf9cca-cd68-5179-bc54-f696b5ec7c11");
  });

  it("reads the namespace regardless of hex case", () => {
    expect(toUuidV5("python.org", NAMESPACE_DNS.toUpperCase())).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });

  it("always sets version 5 and the RFC variant, and is deterministic", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (name) => {
        const id = toUuidV5(name);
        expect(id).toMatch(UUID);
        expect(toUuidV5(name)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});

describe("run ids", () => {
  it("names a run installation/owner/repo#issue/attempt, repo lower-cased", () => {
    expect(toRunName(key({ repo: "Octo/Hello-World" }))).toBe("42/octo/hello-world#7/1");
  });

  it.each<[string, () => string, string]>([
    ["thread id", () => toThreadId(key()), "cec2cf0c-6ac4-5589-aedd-9ea1f3990388"],
    ["thread id of attempt 2", () => toThreadId(key({ attempt: 2 })), "55ee1bc3-da3d-5527-a991-3d53962b9a52"],
    ["thread id of issue 8", () => toThreadId(key({ issue: 8 })), "442544e1-a023-5e6a-9394-80d2c2690656"],
    ["command id of thread.create", () => toCommandId(key(), "thread.create"), "c7242a19-99b5-5768-83fa-b35e1b8eb9ab"],
    ["command id of turn:2", () => toCommandId(key(), "turn:2"), "465d7156-4b65-5582-8160-8a120c12b241"],
    ["message id of turn 1", () => toMessageId(key(), 1), "45200097-a38e-5ab2-bb49-71ea5eff676a"],
    ["project id", () => toProjectId(42, "octo/hello-world"), "de7c174c-ddec-5bc2-b37c-856897bb77c3"],
    ["project command id", () => toProjectCommandId(42, "octo/hello-world"), "80202955-9f2e-5dde-822a-c223a9d774a0"],
  ])("the %s matches the reference vector", (_what, make, expected) => {
    expect(make()).toBe(expected);
  });

  it.each<[string, () => string, () => string]>([
    ["thread id", () => toThreadId(key({ repo: "Octo/Hello-World" })), () => toThreadId(key())],
    ["command id", () => toCommandId(key({ repo: "OCTO/hello-world" }), "turn:1"), () => toCommandId(key(), "turn:1")],
    ["project id", () => toProjectId(42, "Octo/Hello-World"), () => toProjectId(42, "octo/hello-world")],
    [
      "project command id",
      () => toProjectCommandId(42, "Octo/Hello-World"),
      () => toProjectCommandId(42, "octo/hello-world"),
    ],
  ])("the %s ignores the repo's case", (_what, a, b) => {
    expect(a()).toBe(b());
  });

  it("gives every run, step and turn its own id, the same every time", () => {
    const keyArb = fc.record({
      installationId: fc.integer({ min: 1, max: 3 }),
      repo: fc.constantFrom("octo/a", "octo/b", "other/a"),
      issue: fc.integer({ min: 1, max: 3 }),
      attempt: fc.integer({ min: 1, max: 3 }),
    });
    const stepArb = fc.constantFrom("thread.create", "turn:1", "turn:2", "interrupt:1");
    fc.assert(
      fc.property(keyArb, keyArb, stepArb, stepArb, (a, b, stepA, stepB) => {
        const sameRun = toRunName(a) === toRunName(b);
        expect(toThreadId(a) === toThreadId(b)).toBe(sameRun);
        expect(toCommandId(a, stepA) === toCommandId(b, stepB)).toBe(sameRun && stepA === stepB);
        expect(toMessageId(a, 1) === toMessageId(b, 2)).toBe(false);
        expect(toThreadId(a)).toBe(toThreadId({ ...a }));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the kinds of id apart for one run", () => {
    const k = key();
    const ids = [
      toThreadId(k),
      toCommandId(k, "thread.create"),
      toCommandId(k, "turn:1"),
      toMessageId(k, 1),
      toProjectId(k.installationId, k.repo),
      toProjectCommandId(k.installationId, k.repo),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID);
  });

  it("gives another installation's project its own id", () => {
    expect(toProjectId(1, "octo/a")).not.toBe(toProjectId(2, "octo/a"));
    expect(toProjectId(1, "octo/a")).not.toBe(toProjectId(1, "octo/b"));
  });
});
