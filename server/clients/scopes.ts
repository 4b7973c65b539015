/**
 * What a system's token may do: `signing` calls /api/v1/signing-requests… for its system;
 * `approvals` lets a RoamSign Gate ask POST /api/v1/approvals to decide an approval post.
 */
export const SCOPES = ['signing', 'approvals'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** RFC 6749 §3.3: a space-delimited list; undefined when any entry is not a known scope. */
export function parseScopes(value: string): Scope[] | undefined {
  const names = value.split(' ').filter(Boolean);
  if (!names.every(isScope)) return undefined;
  return [...new Set(names)];
}
