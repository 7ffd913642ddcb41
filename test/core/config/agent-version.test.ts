import { describe, expect, it } from "vitest";
import { decideAgentVersion, MIN_T3_VERSION } from "../../../src/core/config/agent-version.js";

describe("decideAgentVersion", () => {
  it.each([
    ["0.0.29", "supported"],
    ["v0.0.33", "supported"],
    ["0.1.0", "supported"],
    ["1.0.0-beta.2", "supported"],
    ["0.0.28", "too-old"],
    ["v0.0.9", "too-old"],
    ["nightly", "unreadable"],
    ["", "unreadable"],
  ])("reads %s as %s", (version, kind) => {
    expect(decideAgentVersion(version).kind).toBe(kind);
  });

  it("says what afk needs and what to do", () => {
    const decision = decideAgentVersion("0.0.27");
    expect(decision).toMatchObject({ kind: "too-old" });
    expect(decision.kind === "too-old" && decision.message).toContain(`afk needs ${MIN_T3_VERSION} or later`);
  });
});
