// Woodpecker's response shapes: both versions' spellings, extra fields tolerated, a
// missing or mistyped field afk reads refused.

import { describe, expect, it } from "vitest";
import {
  WoodpeckerPipelineListSchema,
  WoodpeckerPipelineSchema,
  WoodpeckerRepoSchema,
  WoodpeckerVersionSchema,
} from "../../../src/adapters/woodpecker/woodpecker-read-model.js";
import { AFTER, SHA, toV2Wire, toV3Wire } from "./builders.js";

const EXPECTED = {
  number: 12,
  parent: 0,
  event: "push",
  status: "running",
  commit: SHA,
  branch: "main",
  created: AFTER + 60,
  supersededBy: null,
};

describe("a pipeline maps to plain data", () => {
  it.each([
    ["v3 (`created`)", toV3Wire()],
    ["v2 (`created_at`)", toV2Wire()],
  ])("in the %s shape", (_shape, wire) => {
    expect(WoodpeckerPipelineSchema.parse(wire)).toEqual(EXPECTED);
  });

  it("reads `created` when a server sends both spellings", () => {
    expect(WoodpeckerPipelineSchema.parse(toV3Wire({ created_at: 1 })).created).toBe(AFTER + 60);
  });

  it.each([
    ["absent", {}, null],
    ["null", { cancel_info: null }, null],
    ["cancelled by a user", { cancel_info: { canceled_by_user: "octocat" } }, null],
    ["zero (omitempty never sends it, but 0 names no pipeline)", { cancel_info: { superseded_by: 0 } }, null],
    ["set by a newer pipeline", { cancel_info: { superseded_by: 14 } }, 14],
  ])("supersededBy when cancel_info is %s", (_case, overrides, supersededBy) => {
    expect(WoodpeckerPipelineSchema.parse(toV3Wire({ status: "killed", ...overrides })).supersededBy).toBe(
      supersededBy,
    );
  });

  it("keeps a restart's parent and an unknown status as they are", () => {
    expect(WoodpeckerPipelineSchema.parse(toV3Wire({ parent: 11, status: "frozen" }))).toMatchObject({
      parent: 11,
      status: "frozen",
    });
  });

  it("tolerates fields it does not read", () => {
    expect(
      WoodpeckerPipelineSchema.parse(
        toV3Wire({ workflows: [{ id: 1 }], release: { title: "x" }, event_reason: ["push"] }),
      ),
    ).toEqual(EXPECTED);
  });
});

describe("a pipeline that breaks the contract is refused", () => {
  it.each([
    ["no number", { number: undefined }, "number"],
    ["a zero number", { number: 0 }, "number"],
    ["a string commit", { commit: 42 }, "commit"],
    ["no branch", { branch: undefined }, "branch"],
    ["an empty status", { status: "" }, "status"],
    ["a negative parent", { parent: -1 }, "parent"],
    ["a fractional created", { created: 1.5 }, "created"],
    ["a string started", { started: "soon" }, "started"],
    ["a string superseded_by", { cancel_info: { superseded_by: "14" } }, "cancel_info"],
  ])("%s", (_case, overrides, field) => {
    const parsed = WoodpeckerPipelineSchema.safeParse(toV3Wire(overrides));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path[0]).toBe(field);
  });

  it("with neither `created` nor `created_at`, naming both", () => {
    const { created: _created, ...wire } = toV3Wire();
    const parsed = WoodpeckerPipelineSchema.safeParse(wire);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["created"],
      message: expect.stringContaining("created_at"),
    });
  });

  it("in a list, at its index", () => {
    const parsed = WoodpeckerPipelineListSchema.safeParse([toV3Wire(), toV3Wire({ commit: null })]);
    expect(parsed.error?.issues[0]?.path).toEqual([1, "commit"]);
  });
});

describe("repos and the version", () => {
  it("a repo needs only a positive id", () => {
    expect(WoodpeckerRepoSchema.parse({ id: 101, full_name: "acme/widgets", forge_remote_id: "7" })).toEqual({
      id: 101,
    });
    expect(WoodpeckerRepoSchema.safeParse({ full_name: "acme/widgets" }).success).toBe(false);
    expect(WoodpeckerRepoSchema.safeParse({ id: 0 }).success).toBe(false);
  });

  it.each([
    [{ version: "3.14.0", source: "https://github.com/woodpecker-ci/woodpecker" }, "3.14.0"],
    [{ version: "2.8.3" }, "2.8.3"],
  ])("the version %j", (wire, expected) => {
    expect(WoodpeckerVersionSchema.parse(wire)).toEqual(expected);
  });

  it("a version without one is refused", () => {
    expect(WoodpeckerVersionSchema.safeParse({ source: "x", version: "" }).success).toBe(false);
  });
});
