// What the public pages read off a need, in one place.
import type { Schemas } from '@/api/client'

export type PublicNeed = Schemas['PublicNeed']

/** Whether a need takes pledges now: published, with something still to give. */
export function takesPledges(need: Pick<PublicNeed, 'status' | 'remaining_quantity'>): boolean {
  return need.status === 'published' && need.remaining_quantity > 0
}

/** Whether the public may still object to a need (during its notice, or while one is heard). */
export function takesObjections(need: Pick<PublicNeed, 'status'>): boolean {
  return need.status === 'in_notice' || need.status === 'suspended'
}

export function isMoney(need: Pick<PublicNeed, 'unit'>): boolean {
  return need.unit === 'money'
}

/**
 * Where a need is, from the city to the town: the province is implied by the city, and the
 * village leads the beneficiary's summary already.
 */
export function placeName(need: Pick<PublicNeed, 'region_names'>, separator = ' · '): string {
  return need.region_names.slice(1, -1).join(separator)
}

/** Whether the need is still on its way to being pledged (public, not ended). */
export function isUnderway(need: Pick<PublicNeed, 'status'>): boolean {
  return need.status === 'published' || takesObjections(need)
}

/**
 * Whether a cadre's roles cover the need's village: one of them is scoped to the village or to a
 * region above it. The server decides what they may do there; this only chooses what to offer.
 */
export function isCadreOf(
  roles: readonly { role: string; region_code?: string | null }[],
  need: Pick<PublicNeed, 'region_codes'>,
): boolean {
  const village = need.region_codes[need.region_codes.length - 1]
  if (!village) return false
  return roles.some((r) => r.role === 'cadre' && !!r.region_code && village.startsWith(r.region_code))
}
