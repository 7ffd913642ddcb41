import { describe, expect, it } from "vitest";
import { formatConfigErrors } from "../../../src/core/config/config-errors.js";
import { toProductionErrors } from "../../../src/core/config/production-rules.js";

describe("toProductionErrors", () => {
  it.each([
    ["development", undefined],
    [undefined, undefined],
    ["test", "development"],
    ["production", "a-real-secret"],
  ])("NODE_ENV=%s with WEBHOOK_SECRET=%s: nothing to refuse", (nodeEnv, webhookSecret) => {
    expect(toProductionErrors({ nodeEnv, webhookSecret })).toEqual([]);
  });

  it.each([undefined, "", "  "])(
    "in production, WEBHOOK_SECRET=%j is refused as missing, saying how to set it",
    (secret) => {
      const message = formatConfigErrors(toProductionErrors({ nodeEnv: "production", webhookSecret: secret }));
      expect(message).toContain("WEBHOOK_SECRET (unset): missing: required in production");
      expect(message).toContain("Webhook secret");
    },
  );

  it("in production, Probot's `development` default is refused, and never echoed", () => {
    const message = formatConfigErrors(toProductionErrors({ nodeEnv: "production", webhookSecret: "development" }));
    expect(message).toContain("WEBHOOK_SECRET=(secret, 11 characters): Probot's development default");
    expect(message).not.toContain("=development");
  });
});
