// Small text rules used across the core: how a commit is shortened for people, and how
// names GitHub treats case-insensitively (labels, logins, repos, check names) compare.

/** The seven characters GitHub shows for a commit. */
export function toShortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Equal ignoring case, as GitHub compares labels, logins and repository names. */
export function isSameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether `names` holds `name`, ignoring case. */
export function hasText(names: readonly string[], name: string): boolean {
  return names.some((candidate) => isSameText(candidate, name));
}
