// The version URL twin (contracts/kubernetes.md, "Version URL alternative"): each URL
// answers a body, an HTTP status, or nothing at all, as the real adapter sorts them
// (src/adapters/version-url/version-url-client.ts, whose status mapping it uses); no
// answer is `transient`; a URL that is not absolute http(s) is `rejected`. The body
// comes back trimmed and cut at 64 KiB.

import { toVersionUrlCategory } from "../version-url/version-url-client.js";
import { failure, ok, type Result } from "../../ports/result.js";
import type { VersionReader } from "../../ports/rollout-reader.js";
import { Knobs } from "./knobs.js";

/** What a version URL answers: a body (2xx), an HTTP status, or no answer (refused, reset). */
export type VersionAnswer = { readonly body: string } | { readonly status: number } | "unreachable";

const VERSION_BODY_MAX_BYTES = 64 * 1024;

export class MemoryVersionReader implements VersionReader {
  readonly knobs = new Knobs<VersionReader>("version-url", []);
  readonly #answers = new Map<string, VersionAnswer>();

  read(url: string): Promise<Result<string>> {
    return this.knobs.run("read", [url], () => {
      if (!isHttpUrl(url))
        return failure("version-url", "rejected", `version URL ${url} is not absolute http(s)`, {
          detail: "invalid-url",
        });
      const answer = this.#answers.get(url) ?? "unreachable";
      if (answer === "unreachable")
        return failure("version-url", "transient", `version URL ${url} ECONNREFUSED`, { detail: "ECONNREFUSED" });
      if ("status" in answer) return toStatusFailure(url, answer.status);
      const body = Buffer.from(answer.body, "utf8").subarray(0, VERSION_BODY_MAX_BYTES).toString("utf8");
      return ok(body.trim());
    });
  }

  async close(): Promise<void> {
    // Nothing to release: the twin holds no connections.
  }

  /** What the URL answers from now on. An unknown URL is unreachable. */
  setAnswer(url: string, answer: VersionAnswer): void {
    this.#answers.set(url, answer);
  }

  /** The URL answers 200 with this body from now on. */
  setBody(url: string, body: string): void {
    this.#answers.set(url, { body });
  }
}

function toStatusFailure(url: string, status: number): Result<never> {
  // The adapter's own pure mapping: the twin fails exactly as the real reader does.
  const { category, detail } = toVersionUrlCategory(status);
  return failure("version-url", category, `version URL ${url} answered ${status}`, { status, detail });
}

function isHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const protocol = new URL(url).protocol;
  return protocol === "http:" || protocol === "https:";
}
