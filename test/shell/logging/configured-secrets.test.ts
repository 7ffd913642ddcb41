import { describe, expect, it } from "vitest";
import { keepSecretFilesKnown, toConfiguredSecrets } from "../../../src/shell/logging/configured-secrets.js";
import { createSecretScrubber } from "../../../src/shell/logging/secret-scrubber.js";
import { anOperatorConfig } from "../../core/builders.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";

describe("toConfiguredSecrets", () => {
  it("collects every configured secret value and the token files", () => {
    const config = anOperatorConfig({
      t3: { ...anOperatorConfig().t3, token: "t3-token-value", tokenFile: "/run/t3-token" },
      woodpecker: { url: "https://ci.example", token: "woodpecker-token" },
      slack: {
        botToken: "xoxb-bot-token",
        signingSecret: "signing-secret",
        channel: "C1",
        allowedUsers: [],
        apiUrl: null,
        announceShipped: false,
      },
      kube: { apiUrl: "https://kube", tokenFile: "/var/run/token", caFile: "/var/run/ca.crt" },
      statusToken: "status-token-value",
    });
    const secrets = toConfiguredSecrets({ PRIVATE_KEY: PEM, WEBHOOK_SECRET: "webhook-secret" }, config);
    expect(secrets.values).toEqual(
      expect.arrayContaining([
        PEM,
        "webhook-secret",
        "t3-token-value",
        "woodpecker-token",
        "xoxb-bot-token",
        "signing-secret",
        "status-token-value",
      ]),
    );
    expect(secrets.files).toEqual(["/run/t3-token", "/var/run/token"]);
  });

  it("knows the private key as Probot decodes it: base64, or with escaped newlines", () => {
    const base64 = Buffer.from(PEM).toString("base64");
    expect(toConfiguredSecrets({ PRIVATE_KEY: base64 }, anOperatorConfig()).values).toContain(PEM);
    expect(toConfiguredSecrets({ PRIVATE_KEY: PEM.replace(/\n/g, "\\n") }, anOperatorConfig()).values).toContain(PEM);
  });

  it("reads no Kubernetes token file while no Kubernetes API is configured", () => {
    expect(toConfiguredSecrets({}, anOperatorConfig()).files).toEqual([]);
  });
});

describe("keepSecretFilesKnown", () => {
  it("reads each file into the scrubber and skips one that is not there", () => {
    const scrubber = createSecretScrubber();
    const files: Record<string, string> = { "/run/t3-token": "t3-token-from-file\n" };
    const stop = keepSecretFilesKnown(["/run/t3-token", "/missing"], scrubber, (path) => {
      const content = files[path];
      if (content === undefined) throw new Error("ENOENT");
      return content;
    });
    stop();
    expect(scrubber.scrub("token t3-token-from-file")).toBe("token [redacted]");
  });
});
