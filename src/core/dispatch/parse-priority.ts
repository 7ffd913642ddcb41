// An issue's priority from its `priority:N` labels (DESIGN section 3): lower N is
// dispatched first. Labels are typed by hand, so the prefix is matched case-insensitively
// and spaces after it are allowed (`Priority: 2`).

const VALUE = /^\s*(\d+)\s*$/;

function toPriority(label: string, prefix: string): number | null {
  if (label.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
  const match = VALUE.exec(label.slice(prefix.length));
  if (match === null) return null;
  const value = Number(match[1]);
  // Digits beyond a safe integer would compare wrongly; such a label names no priority.
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The lowest non-negative whole N among labels `<prefix>N`, or `defaultPriority` when
 * there is none. Labels like `priority:high` or `priority:-1` are ignored.
 */
export function parsePriority(labels: readonly string[], prefix: string, defaultPriority: number): number {
  let lowest: number | null = null;
  for (const label of labels) {
    const value = toPriority(label, prefix);
    if (value !== null && (lowest === null || value < lowest)) lowest = value;
  }
  return lowest ?? defaultPriority;
}
