import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decideRollout,
  decideVersionUrl,
  isShaIn,
  parseImageTag,
  type ImageTag,
  type RolloutInput,
  type VersionUrlInput,
} from "../../../src/core/observe/decide-rollout.js";
import type { DeploymentFact } from "../../../src/core/observe/observe-types.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const LATER = "fedcba9876543210fedcba9876543210fedcba98";

/** A Deployment fully rolled out to `registry/acme/widgets:<sha>`. */
function aDeployment(overrides: Partial<DeploymentFact> = {}): DeploymentFact {
  return {
    generation: 4,
    observedGeneration: 4,
    replicas: 3,
    paused: false,
    images: [
      { container: "sidecar", image: "envoyproxy/envoy:v1.30" },
      { container: "web", image: `registry.example:5000/acme/widgets:${SHA}` },
    ],
    status: { replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
    conditions: [
      {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        message: "ReplicaSet has successfully progressed.",
      },
    ],
    ...overrides,
  };
}

function aRolloutInput(overrides: Partial<RolloutInput> = {}, deployment: Partial<DeploymentFact> = {}): RolloutInput {
  return { sha: SHA, container: "web", deployment: aDeployment(deployment), laterShas: [LATER], ...overrides };
}

function withImage(image: string): Partial<DeploymentFact> {
  return { images: [{ container: "web", image }] };
}

describe("parseImageTag", () => {
  it.each<[string, ImageTag]>([
    ["acme/widgets:abc1234", { kind: "tag", tag: "abc1234" }],
    ["registry.example:5000/acme/widgets:v1-abc1234", { kind: "tag", tag: "v1-abc1234" }],
    ["registry.example:5000/acme/widgets", { kind: "untagged" }],
    ["widgets", { kind: "untagged" }],
    ["widgets:", { kind: "untagged" }],
    [`acme/widgets@sha256:${"ab".repeat(32)}`, { kind: "digest" }],
    [`registry.example:5000/acme/widgets@sha256:${"ab".repeat(32)}`, { kind: "digest" }],
    [`acme/widgets:main-abc1234@sha256:${"ab".repeat(32)}`, { kind: "tag", tag: "main-abc1234" }],
  ])("%s has %j", (image, expected) => {
    expect(parseImageTag(image)).toEqual(expected);
  });
});

describe("isShaIn", () => {
  it.each<[string, string, boolean]>([
    ["the full sha", SHA, true],
    ["the 7-character short sha", "0123456", true],
    ["a 12-character prefix", "0123456789ab", true],
    ["a short sha inside a longer tag", "main-0123456-20240101", true],
    ["case does not matter", "MAIN-0123456789ABCDEF", true],
    ["a hex part of the sha", "89abcdef0123", true],
    ["six characters are too few", "012345", false],
    ["another sha", LATER, false],
    ["a hex string longer than the sha", `${SHA}00`, true],
    ["a version number", "v1.2.3", false],
    ["a non-hex tag that is part of nothing", "latest", false],
  ])("%s: %s → %s", (_rule, text, expected) => {
    expect(isShaIn(text, SHA)).toBe(expected);
  });

  it("a sha shorter than 7 characters matches nothing", () => {
    expect(isShaIn("012345", "012345")).toBe(false);
  });

  it("any text containing a prefix of at least 7 matches", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 7, max: 40 }),
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        (n, before, after) => {
          expect(isShaIn(`${before}${SHA.slice(0, n)}${after}`, SHA)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("decideRollout: which image", () => {
  it.each<[string, Partial<RolloutInput>, Partial<DeploymentFact>, "pending" | "green" | "superseded", string]>([
    ["our full sha, rolled out, is green", {}, {}, "green", `${SHA} is rolled out (3 available)`],
    [
      "our short sha in the tag is ours",
      {},
      withImage("acme/widgets:main-0123456"),
      "green",
      "main-0123456 is rolled out (3 available)",
    ],
    [
      "a later commit's image means ours was superseded",
      {},
      withImage("acme/widgets:fedcba9"),
      "superseded",
      "the deployment runs fedcba9, from the later commit fedcba9",
    ],
    ["an older image is still running", {}, withImage("acme/widgets:aaaaaaa"), "pending", "still running aaaaaaa"],
    [
      "an older image with no later shas known",
      { laterShas: [] },
      withImage("acme/widgets:aaaaaaa"),
      "pending",
      "still running aaaaaaa",
    ],
    [
      "a missing container is pending with the reason",
      { container: "api" },
      {},
      "pending",
      "container api not found in the deployment",
    ],
    [
      "a digest-pinned image names no commit",
      {},
      withImage(`acme/widgets@sha256:${SHA}${SHA.slice(0, 24)}`),
      "pending",
      `the image acme/widgets@sha256:${SHA}${SHA.slice(0, 24)} is pinned by digest, which names no commit`,
    ],
    [
      "an untagged image names no commit",
      {},
      withImage("registry.example:5000/acme/widgets"),
      "pending",
      "the image registry.example:5000/acme/widgets has no tag, which names no commit",
    ],
    [
      "the registry port is not read as a tag",
      {},
      withImage("0123456.example:5000/widgets:v2"),
      "pending",
      "still running v2",
    ],
  ])("%s", (_rule, input, deployment, verdict, detail) => {
    expect(decideRollout(aRolloutInput(input, deployment))).toEqual({ verdict, detail });
  });
});

describe("decideRollout: is ours rolled out", () => {
  const deadline = {
    type: "Progressing",
    status: "False",
    reason: "ProgressDeadlineExceeded",
    message: 'ReplicaSet "web-7f" has timed out progressing.',
  };
  it.each<[string, Partial<DeploymentFact>, "pending" | "green" | "red", string]>([
    [
      "a generation not yet observed waits",
      { generation: 5 },
      "pending",
      "waiting for the controller to observe generation 5",
    ],
    [
      "no observed generation waits",
      { observedGeneration: null },
      "pending",
      "waiting for the controller to observe generation 4",
    ],
    ["an observed generation ahead is fine", { observedGeneration: 5 }, "green", `${SHA} is rolled out (3 available)`],
    [
      "ProgressDeadlineExceeded is red with its message",
      { conditions: [deadline] },
      "red",
      `the rollout of ${SHA} failed: ReplicaSet "web-7f" has timed out progressing.`,
    ],
    [
      "ProgressDeadlineExceeded without a message is red",
      { conditions: [{ ...deadline, message: null }] },
      "red",
      `the rollout of ${SHA} failed: the progress deadline was exceeded`,
    ],
    [
      "the deadline reason on another condition does not count",
      { conditions: [{ ...deadline, type: "Available" }] },
      "green",
      `${SHA} is rolled out (3 available)`,
    ],
    [
      "the deadline outranks paused",
      { conditions: [deadline], paused: true },
      "red",
      `the rollout of ${SHA} failed: ReplicaSet "web-7f" has timed out progressing.`,
    ],
    ["a paused deployment never progresses", { paused: true }, "pending", "the deployment is paused"],
    [
      "fewer updated replicas than wanted",
      { status: { replicas: 3, updatedReplicas: 2, availableReplicas: 2 } },
      "pending",
      `rolling out ${SHA}: 2 of 3 replicas updated`,
    ],
    [
      "old replicas still terminating",
      { status: { replicas: 5, updatedReplicas: 3, availableReplicas: 3 } },
      "pending",
      `rolling out ${SHA}: 2 old replicas pending termination`,
    ],
    [
      "one old replica still terminating",
      { status: { replicas: 4, updatedReplicas: 3, availableReplicas: 3 } },
      "pending",
      `rolling out ${SHA}: 1 old replica pending termination`,
    ],
    [
      "updated replicas not yet available",
      { status: { replicas: 3, updatedReplicas: 3, availableReplicas: 1 } },
      "pending",
      `rolling out ${SHA}: 1 of 3 updated replicas available`,
    ],
    [
      "scaled to zero is rolled out",
      { replicas: 0, status: { replicas: 0, updatedReplicas: 0, availableReplicas: 0 } },
      "green",
      `${SHA} is rolled out (0 available)`,
    ],
  ])("%s", (_rule, deployment, verdict, detail) => {
    expect(decideRollout(aRolloutInput({}, deployment))).toEqual({ verdict, detail });
  });
});

describe("decideVersionUrl", () => {
  function aRead(overrides: Partial<VersionUrlInput> = {}): VersionUrlInput {
    return {
      sha: SHA,
      body: SHA,
      matchesSoFar: 0,
      required: 2,
      lastCountedAt: null,
      spacingMs: 60_000,
      now: 1_000_000,
      ...overrides,
    };
  }

  it.each<[string, Partial<VersionUrlInput>, number, "pending" | "green"]>([
    ["a first match is not enough when two are required", {}, 1, "pending"],
    ["the second consecutive match is green", { matchesSoFar: 1 }, 2, "green"],
    ["a miss starts over", { matchesSoFar: 1, body: LATER }, 0, "pending"],
    ["a short sha in plain text with a newline matches", { body: "0123456\n" }, 1, "pending"],
    ["JSON sha field", { body: `{"sha":"${SHA}"}`, matchesSoFar: 1 }, 2, "green"],
    ["JSON version field", { body: ` {"version": "v1.4.0-0123456", "built": "2024"} ` }, 1, "pending"],
    ["JSON commit field", { body: `{"commit": "0123456789ab"}` }, 1, "pending"],
    ["the sha field is read, not other fields", { body: `{"sha": "${LATER}", "previous": "${SHA}"}` }, 0, "pending"],
    ["a JSON object without known fields is read whole", { body: `{"build": {"git": "${SHA}"}}` }, 1, "pending"],
    ["a non-string field is skipped", { body: `{"sha": 12, "commit": "${SHA}"}` }, 1, "pending"],
    ["a body that only looks like JSON is plain text", { body: `{not json ${SHA}` }, 1, "pending"],
    ["an empty body misses", { body: "" }, 0, "pending"],
    ["a required count of one is green on the first match", { required: 1 }, 1, "green"],
    ["a required count of zero still needs one match", { required: 0, body: "nope" }, 0, "pending"],
    ["a required count of zero is green on a match", { required: 0 }, 1, "green"],
  ])("%s", (_rule, overrides, matches, verdict) => {
    expect(decideVersionUrl(aRead(overrides))).toMatchObject({ matches, verdict });
  });

  it("counts a match only one spacing after the last one counted: two quick reads prove one", () => {
    const quick = decideVersionUrl(aRead({ matchesSoFar: 1, lastCountedAt: 1_000_000 - 59_999 }));
    expect(quick).toEqual({ matches: 1, countedAt: 1_000_000 - 59_999, verdict: "pending" });
    const spaced = decideVersionUrl(aRead({ matchesSoFar: 1, lastCountedAt: 1_000_000 - 60_000 }));
    expect(spaced).toEqual({ matches: 2, countedAt: 1_000_000, verdict: "green" });
  });

  it("forgets when it last counted on a miss", () => {
    expect(decideVersionUrl(aRead({ matchesSoFar: 1, lastCountedAt: 5, body: LATER }))).toEqual({
      matches: 0,
      countedAt: null,
      verdict: "pending",
    });
  });
});
