import { describe, expect, it } from "vitest";
import { MemoryRolloutReader } from "../../../src/adapters/memory/memory-rollout-reader.js";
import { MemoryVersionReader } from "../../../src/adapters/memory/memory-version-reader.js";

describe("MemoryRolloutReader", () => {
  it("rolls a Deployment out: a new generation first, every replica updated once complete", async () => {
    const kube = new MemoryRolloutReader();
    kube.setDeployment("prod", "web", { image: "ghcr.io/acme/web:old", replicas: 2 });
    kube.rollOut("prod", "web", "ghcr.io/acme/web:abc1234");
    const rolling = await kube.getDeployment("prod", "web");
    expect(rolling.ok && rolling.value).toMatchObject({
      generation: 2,
      observedGeneration: 1,
      images: [{ container: "app", image: "ghcr.io/acme/web:abc1234" }],
      status: { updatedReplicas: 0 },
    });
    kube.completeRollout("prod", "web");
    const done = await kube.getDeployment("prod", "web");
    expect(done.ok && done.value).toMatchObject({ observedGeneration: 2, status: { updatedReplicas: 2 } });
  });

  it("answers a namespace it may not read as unauthorized, and says so when asked", async () => {
    const kube = new MemoryRolloutReader();
    kube.setDeployment("prod", "web", { image: "web:1" });
    kube.setAccess("prod", false);
    const read = await kube.getDeployment("prod", "web");
    expect(!read.ok && read.error).toMatchObject({ category: "unauthorized", status: 403 });
    expect(await kube.canGetDeployments("prod")).toEqual({ ok: true, value: false });
    expect(await kube.canGetDeployments("staging")).toEqual({ ok: true, value: true });
  });

  it("answers a missing Deployment as not-found", async () => {
    const read = await new MemoryRolloutReader().getDeployment("prod", "web");
    expect(!read.ok && read.error.category).toBe("not-found");
  });
});

describe("MemoryVersionReader", () => {
  it("answers the body trimmed", async () => {
    const urls = new MemoryVersionReader();
    urls.setBody("https://acme.example/version", " abc1234\n");
    expect(await urls.read("https://acme.example/version")).toEqual({ ok: true, value: "abc1234" });
  });

  it.each([
    [{ status: 404 }, "not-found"],
    [{ status: 503 }, "transient"],
    [{ status: 403 }, "rejected"],
    ["unreachable", "transient"],
  ] as const)("answers %j as %s", async (answer, category) => {
    const urls = new MemoryVersionReader();
    urls.setAnswer("https://acme.example/version", answer);
    const read = await urls.read("https://acme.example/version");
    expect(!read.ok && read.error.category).toBe(category);
  });

  it("refuses a URL that is not absolute http(s)", async () => {
    const read = await new MemoryVersionReader().read("ftp://acme.example/version");
    expect(!read.ok && read.error).toMatchObject({ category: "rejected", detail: "invalid-url" });
  });
});
