import { describe, expect, it } from "vitest";
import { describeArming } from "../../../src/core/config/describe-arming.js";

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
