// What app.yml (the manifest the app is registered from) asks GitHub for, and what a set
// of grants lacks of it. Access levels order read < write < admin: a lower level than
// asked is as missing as none. Pure: the caller parses the YAML.

import type { Grants } from "../../ports/app-grants.js";

const LEVELS: Readonly<Record<string, number>> = { read: 1, write: 2, admin: 3 };

export type ManifestGrants =
  { readonly ok: true; readonly grants: Grants } | { readonly ok: false; readonly why: string };

export interface MissingPermission {
  readonly name: string;
  readonly wanted: string;
  /** What is granted instead; null when nothing is. */
  readonly granted: string | null;
}

export interface MissingGrants {
  readonly permissions: readonly MissingPermission[];
  readonly events: readonly string[];
}

/** `default_permissions` (name → read/write/admin) and `default_events` of the parsed app.yml. */
export function parseManifestGrants(raw: unknown): ManifestGrants {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, why: "not a mapping" };
  const { default_permissions: permissions, default_events: events } = raw as Record<string, unknown>;
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions))
    return { ok: false, why: "default_permissions is not a mapping" };
  const entries = Object.entries(permissions as Record<string, unknown>);
  const bad = entries.find(([, level]) => typeof level !== "string" || LEVELS[level] === undefined);
  if (bad !== undefined) return { ok: false, why: `default_permissions.${bad[0]} is not read, write or admin` };
  if (!Array.isArray(events) || events.some((event) => typeof event !== "string"))
    return { ok: false, why: "default_events is not a list of event names" };
  return {
    ok: true,
    grants: { permissions: Object.fromEntries(entries as [string, string][]), events: events as string[] },
  };
}

export function toMissingGrants(wanted: Grants, granted: Grants): MissingGrants {
  const permissions = Object.entries(wanted.permissions)
    .filter(([name, level]) => (LEVELS[granted.permissions[name] ?? ""] ?? 0) < (LEVELS[level] ?? 0))
    .map(([name, level]) => ({ name, wanted: level, granted: granted.permissions[name] ?? null }));
  const have = new Set(granted.events);
  return { permissions, events: wanted.events.filter((event) => !have.has(event)) };
}

export function isComplete(missing: MissingGrants): boolean {
  return missing.permissions.length === 0 && missing.events.length === 0;
}

/** `permission checks: read (not granted), issues: write (granted read); event push` */
export function describeMissing(missing: MissingGrants): string {
  const permissions = missing.permissions.map(
    (p) => `${p.name}: ${p.wanted} (${p.granted === null ? "not granted" : `granted ${p.granted}`})`,
  );
  const parts = [
    permissions.length === 0 ? null : `permission${permissions.length === 1 ? "" : "s"} ${permissions.join(", ")}`,
    missing.events.length === 0 ? null : `event${missing.events.length === 1 ? "" : "s"} ${missing.events.join(", ")}`,
  ];
  return parts.filter((part) => part !== null).join("; ");
}
