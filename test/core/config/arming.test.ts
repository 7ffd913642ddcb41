import { describe, expect, it } from "vitest";
import { describeArming, isArmed, isArmedFor } from "../../../src/core/config/arming.js";

describe("describeArming", () => {
  it.each([
    [{ killSwitch: true, allowlist: ["acme/widgets"] }, false, "the kill switch is on"],
    [{ killSwitch: false, allowlist: [] }, false, "no repository is enrolled"],
    [{ killSwitch: true, allowlist: [] }, false, "the kill switch is on"],
    [{ killSwitch: false, allowlist: ["acme/widgets"] }, true, "armed for 1 repository: acme/widgets"],
    [{ killSwitch: false, allowlist: ["acme/a", "acme/b"] }, true, "armed for 2 repositories: acme/a, acme/b"],
  ])("%j → armed %s (%s)", (config, armed, words) => {
    const arming = describeArming(config);
    expect(arming.armed).toBe(armed);
    expect(arming.message).toContain(words);
  });
});

describe("isArmed and isArmedFor", () => {
  it.each([
    ["the kill switch on", { killSwitch: true, allowlist: ["acme/app"] }, false, false],
    ["no repository enrolled", { killSwitch: false, allowlist: [] }, false, false],
    ["another repository enrolled", { killSwitch: false, allowlist: ["acme/other"] }, true, false],
    ["the repository enrolled", { killSwitch: false, allowlist: ["acme/app"] }, true, true],
  ])("with %s: armed %s, armed for acme/App %s", (_case, config, armed, armedFor) => {
    expect(isArmed(config)).toBe(armed);
    expect(isArmedFor(config, "acme/App")).toBe(armedFor);
  });
});
