import { describe, expect, it } from "vitest";
import { MemoryDeployReader } from "../../../src/adapters/memory/memory-deploy-reader.js";

const SHA = "b".repeat(40);

function aServer(version: string): { woodpecker: MemoryDeployReader; repoId: number } {
  const woodpecker = new MemoryDeployReader({ version });
  return { woodpecker, repoId: woodpecker.addRepo("Acme/Web") };
}

describe("MemoryDeployReader", () => {
  it("looks a repo up case-insensitively and answers not-found for one it does not know", async () => {
    const { woodpecker, repoId } = aServer("3.0.0");
    expect(await woodpecker.lookupRepoId("acme/web")).toEqual({ ok: true, value: repoId });
    const unknown = await woodpecker.lookupRepoId("acme/unknown");
    expect(!unknown.ok && unknown.error.category).toBe("not-found");
    const malformed = await woodpecker.lookupRepoId("not a repo");
    expect(!malformed.ok && malformed.error.category).toBe("rejected");
  });

  it("lists pipelines created strictly after `after`, newest first", async () => {
    const { woodpecker, repoId } = aServer("3.0.0");
    woodpecker.addPipeline(repoId, { commit: "old", created: 100 });
    const two = woodpecker.addPipeline(repoId, { commit: SHA, created: 200 });
    const three = woodpecker.addPipeline(repoId, { commit: SHA, created: 300 });
    const found = await woodpecker.findPipelines(repoId, { branch: "main", after: 100 });
    expect(found.ok && found.value.map((pipeline) => pipeline.number)).toEqual([three, two]);
  });

  it.each([
    ["2.8.3", ["deployment", "feature", "main"]],
    ["3.1.0", ["main"]],
  ])("on %s applies the branch and event filters only from v3", async (version, expected) => {
    const { woodpecker, repoId } = aServer(version);
    woodpecker.addPipeline(repoId, { commit: SHA, branch: "main", created: 10 });
    woodpecker.addPipeline(repoId, { commit: SHA, branch: "feature", created: 11 });
    woodpecker.addPipeline(repoId, { commit: SHA, branch: "main", event: "deployment", created: 12 });
    const found = await woodpecker.findPipelines(repoId, { branch: "main", after: 0 });
    const labels = found.ok ? found.value.map((p) => (p.event === "push" ? p.branch : p.event)) : [];
    expect(labels).toEqual(expected);
  });

  it("reads at most maxPages pages of 50", async () => {
    const { woodpecker, repoId } = aServer("3.0.0");
    for (let i = 0; i < 120; i += 1) woodpecker.addPipeline(repoId, { commit: SHA, created: 10 + i });
    const found = await woodpecker.findPipelines(repoId, { branch: "main", after: 0, maxPages: 2 });
    expect(found.ok && found.value.length).toBe(100);
    expect(found.ok && found.value[0]?.number).toBe(120);
  });

  it("restarts a pipeline as a new number with its parent, and marks a superseded one", async () => {
    const { woodpecker, repoId } = aServer("3.14.0");
    const first = woodpecker.addPipeline(repoId, { commit: SHA, status: "failure" });
    const restarted = woodpecker.restart(repoId, first);
    woodpecker.supersede(repoId, restarted, 9);
    const read = await woodpecker.getPipeline(repoId, restarted);
    expect(read.ok && read.value).toMatchObject({ parent: first, commit: SHA, status: "canceled", supersededBy: 9 });
    const missing = await woodpecker.getPipeline(repoId, 99);
    expect(!missing.ok && missing.error.category).toBe("not-found");
  });

  it("answers its version", async () => {
    const { woodpecker } = aServer("2.8.3");
    expect(await woodpecker.readVersion()).toEqual({ ok: true, value: "2.8.3" });
  });
});
