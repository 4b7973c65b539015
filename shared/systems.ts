/**
 * A system id: the key of a legacy system in the registry, in signing requests and in rules.
 * Systems are data (DESIGN.md): the built-in three below, and any an administrator or a policy adds.
 */
export type SystemId = BuiltInSystemId | (string & {});
export const SYSTEM_ID_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

export function isSystemId(value: unknown): value is SystemId {
  return typeof value === 'string' && SYSTEM_ID_PATTERN.test(value);
}

/** The systems RoamSign ships rules for (their definitions: shared/builtInSystems.ts). */
export const SYSTEMS = ['igfmas', 'eperolehan', 'speks'] as const;
export type BuiltInSystemId = (typeof SYSTEMS)[number];

export const SYSTEM_NAMES: Record<BuiltInSystemId, string> = {
  igfmas: 'iGFMAS',
  eperolehan: 'ePerolehan',
  speks: 'SPEKS',
};

/** The name people know a system by; a system the registry added is named by its id until it carries names. */
export function systemName(id: SystemId): string {
  return (SYSTEM_NAMES as Record<string, string>)[id] ?? id;
}

export const MEDIA = ['roaming', 'token'] as const;
export type Medium = (typeof MEDIA)[number];
