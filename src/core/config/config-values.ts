// Zod schemas for single configuration values, shared by the operator variables and
// `.github/afk.yml`. Operator text arrives trimmed and never empty (empty means unset);
// each schema's messages become the `problem` of a ConfigError, so they name what is
// wrong and echo the offending item only where it cannot be a secret.

import { GITHUB_LOGIN, GITHUB_REPO_NAME, LOGIN_SOURCE } from "../common/github-names.js";
import { z } from "zod";
import type { TrustedBot } from "./config-types.js";
import type { Role } from "../common/github-types.js";

const ON_WORDS = ["on", "true", "1"] as const;
const OFF_WORDS = ["off", "false", "0"] as const;

/** GitHub owner: letters, digits and single inner hyphens, at most 39 characters. */
/** GitHub repository name: letters, digits, `.`, `_`, `-`, at most 100 characters. */
/** Kubernetes DNS-1123 label: namespaces, deployments and containers. */
const DNS_LABEL_PATTERN = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

export const LABEL_MAX_CHARS = 50;
export const WHOLE_NUMBER_PATTERN = /^\d+$/;

export function toTrimmedTrailingSlashes(text: string): string {
  return text.replace(/\/+$/, "");
}

/** A whole number in `[min, max]`, written as decimal digits. */
export function wholeNumberText(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .regex(WHOLE_NUMBER_PATTERN, { error: "not a whole number" })
    .transform(Number)
    .pipe(wholeNumber(min, max));
}

/** A whole number in `[min, max]` as a number (YAML, or already converted text). */
export function wholeNumber(min: number, max: number): z.ZodType<number, number> {
  return z
    .int({ error: "not a whole number" })
    .min(min, { error: `below the minimum ${min}` })
    .max(max, { error: `above the maximum ${max}` });
}

/** `on`/`off` and their boolean spellings, case-insensitive; true means on. */
export const onOffText: z.ZodType<boolean, string> = z
  .string()
  .transform((text) => text.toLowerCase())
  .pipe(z.enum([...ON_WORDS, ...OFF_WORDS], { error: "neither on nor off" }))
  .transform((word) => (ON_WORDS as readonly string[]).includes(word));

export function isOwnerRepo(text: string): boolean {
  const [owner, name, ...rest] = text.split("/");
  if (owner === undefined || name === undefined || rest.length > 0) return false;
  return GITHUB_LOGIN.test(owner) && GITHUB_REPO_NAME.test(name) && name !== "." && name !== "..";
}

/** `owner/name` as GitHub spells it (case kept). */
export const ownerRepo: z.ZodType<string, string> = z
  .string()
  .refine(isOwnerRepo, { error: (issue) => `"${String(issue.input)}" is not an owner/name` });

/** An http or https URL, with any trailing slash removed so paths can be appended. */
export const httpBaseUrl: z.ZodType<string, string> = z
  .url({ protocol: /^https?$/, error: "not an http(s) URL" })
  .transform(toTrimmedTrailingSlashes);

/** An http or https URL kept exactly as written. */
export const httpUrl: z.ZodType<string, string> = z.url({ protocol: /^https?$/, error: "not an http(s) URL" });

export const absolutePath: z.ZodType<string, string> = z
  .string()
  .regex(/^\/[^\0]*$/, { error: "not an absolute path (it must start with /)" });

/** A directory under which paths are joined: no trailing slash, and never the root itself. */
export const absoluteDirectory: z.ZodType<string, string> = absolutePath
  .transform(toTrimmedTrailingSlashes)
  .refine((dir) => dir.length > 0, { error: "the root directory itself is not accepted" });

/** A GitHub label name: at most 50 characters, and no comma (lists are comma-separated). */
export const labelName: z.ZodType<string, string> = z
  .string()
  .max(LABEL_MAX_CHARS, { error: `longer than ${LABEL_MAX_CHARS} characters` })
  .refine((name) => !name.includes(","), { error: "contains a comma" });

export const dnsLabel: z.ZodType<string, string> = z.string().regex(DNS_LABEL_PATTERN, {
  error: (issue) => `"${String(issue.input)}" is not a DNS-1123 label`,
});

/** A token or secret: never echoed, so its messages never quote the input. */
export const secretText: z.ZodType<string, string> = z
  .string()
  .refine((text) => !/\s/.test(text), { error: "contains whitespace" });

/** The status page's token: it guards a page on the open internet, so a short one is refused. */
export const STATUS_TOKEN_MIN_CHARS = 16;
// Whitespace is reported alone: one problem per value, as for the other secrets.
export const statusToken: z.ZodType<string, string> = secretText.refine(
  (text) => /\s/.test(text) || text.length >= STATUS_TOKEN_MIN_CHARS,
  { error: `shorter than ${STATUS_TOKEN_MIN_CHARS} characters` },
);

/** A list of items, each validated by `item`, duplicates dropped (first one kept). */
export function listOf<T>(item: z.ZodType<T, string>, key: (value: T) => string = String): z.ZodType<T[], string[]> {
  return z.array(item).transform((values) => toDeduplicated(values, key));
}

export function toDeduplicated<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const TRUSTABLE_ROLES = ["admin", "maintain", "write", "triage"] as const satisfies readonly Role[];
export const TRUSTABLE_ROLES_TEXT = TRUSTABLE_ROLES.join(", ");

/** Read (and none) are refused by name: a role that cannot push must never start an agent that pushes. */
export const trustedRole = z
  .string()
  .transform((role) => role.toLowerCase())
  .pipe(
    z.enum(TRUSTABLE_ROLES, {
      error: (issue) =>
        issue.input === "read" || issue.input === "none"
          ? `"${String(issue.input)}" is never trusted: a role that cannot push must not start an agent that pushes`
          : `"${String(issue.input)}" is not a repository role`,
    }),
  );

const BOT_PATTERN = new RegExp(`^(${LOGIN_SOURCE}(?:\\[bot\\])?):([1-9]\\d{0,14})$`);

/** `login:id`: a bot is trusted by both, since a login alone can be re-registered. */
export const trustedBot: z.ZodType<TrustedBot, string> = z
  .string()
  .regex(BOT_PATTERN, { error: (issue) => `"${String(issue.input)}" is not login:id` })
  .transform((text) => {
    const [, login = "", id = ""] = BOT_PATTERN.exec(text) ?? [];
    return { login, id: Number(id) };
  });

export const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,20}$/, { error: (issue) => `"${String(issue.input)}" is not a Slack user id` });

export const slackChannel = z
  .string()
  .regex(/^#?[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, { error: "not a channel id or name" });

export const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { error: "not a slug" });

export const modelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/, { error: "not a model name" });

const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*|\[[0-9A-Fa-f:.]+\])$/;

/** A host for a URL: a name, an IPv4 address, or an IPv6 address (bracketed here). */
export const urlHost = z
  .string()
  .regex(HOST_PATTERN, { error: "not a host name or IP address" })
  .transform((host) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host));
