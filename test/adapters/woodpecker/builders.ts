// Builders for the Woodpecker adapter tests: every field defaulted, so a case states only
// what it varies.

import type { PortError, Result } from "../../../src/ports/result.js";

export const SHA = "3f786850e387550fdab836ed7e6dc881de23001b";
export const OTHER_SHA = "89e6c98d92887913cadf06b2adb97f26cde4849b";
/** 2026-03-01T12:00:00Z in unix seconds: the `after` most cases pass. */
export const AFTER = Date.parse("2026-03-01T12:00:00Z") / 1_000;

/** A pipeline in Woodpecker 3.x's wire shape (`created`, …), with a few extra fields. */
export function toV3Wire(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 900,
    number: 12,
    author: "octocat",
    parent: 0,
    event: "push",
    status: "running",
    errors: null,
    created: AFTER + 60,
    updated: AFTER + 61,
    started: AFTER + 61,
    finished: 0,
    commit: SHA,
    branch: "main",
    ref: "refs/heads/main",
    message: "Fix the widget\n\nFixes #7",
    forge_url: `https://github.example/acme/widgets/commit/${SHA}`,
    ...overrides,
  };
}

/** The same pipeline as Woodpecker 2.x sent it (`created_at`, …). */
export function toV2Wire(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { created, updated, started, finished, ...rest } = toV3Wire();
  return {
    ...rest,
    created_at: created,
    updated_at: updated,
    started_at: started,
    finished_at: finished,
    reviewed_at: 0,
    ...overrides,
  };
}

export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

export function errorOf<T>(result: Result<T>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}
