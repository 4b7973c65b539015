/** The legacy systems whose approve screens RoamSign signs for. */
export const SYSTEMS = ['igfmas', 'eperolehan', 'speks'] as const;
export type SystemId = (typeof SYSTEMS)[number];

export const SYSTEM_NAMES: Record<SystemId, string> = {
  igfmas: 'iGFMAS',
  eperolehan: 'ePerolehan',
  speks: 'SPEKS',
};

export const MEDIA = ['roaming', 'token'] as const;
export type Medium = (typeof MEDIA)[number];
