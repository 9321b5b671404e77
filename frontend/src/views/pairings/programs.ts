// The three programmes of social help a pairing belongs to (the API's `program` codes).
export const PROGRAMS = ['wanqi', 'duikou', 'dingdian'] as const
export type Program = (typeof PROGRAMS)[number]

/** Who helps, in words: the helping organisation, or the helping city for a 对口帮扶 pairing. */
export function helperName(pairing: {
  helper_organisation?: { name: string } | null
  helper_region?: { name: string } | null
}): string {
  return pairing.helper_organisation?.name ?? pairing.helper_region?.name ?? '—'
}
