/** A user of the demo legacy systems (their own user directory, not RoamSign's). */
export interface LegacyOfficer {
  /** MyKad number, 12 digits without dashes. */
  nric: string;
  name: string;
  /** PTJ (pusat tanggungjawab) the officer works in. */
  ptj: string;
}

/** The demo officers (API.md "Demo data"); the first is logged in when no `?user=` is given. */
export const LEGACY_OFFICERS: readonly LegacyOfficer[] = [
  { nric: '900101011234', name: 'Aminah binti Abdullah', ptj: '1009 JANM Negeri Perlis' },
  { nric: '880202025678', name: 'Tan Wei Ming', ptj: '1009 JANM Negeri Perlis' },
  { nric: '750303039999', name: 'Rajesh a/l Kumar', ptj: '1009 JANM Negeri Perlis' },
];

export const DEFAULT_OFFICER: LegacyOfficer = LEGACY_OFFICERS[0]!;

/** The officer a `?user=` value names (dashes allowed), or undefined when there is none such. */
export function findOfficer(user: string): LegacyOfficer | undefined {
  const nric = user.replace(/-/g, '');
  return LEGACY_OFFICERS.find((o) => o.nric === nric);
}

/** 900101011234 -> 900101-01-1234, the way MyKad numbers are written on screen. */
export function formatNric(nric: string): string {
  return `${nric.slice(0, 6)}-${nric.slice(6, 8)}-${nric.slice(8)}`;
}
