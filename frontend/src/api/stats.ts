// Figures (统计): the assessment figures of the platform, a region, an organisation or a pairing,
// and a region's divisions compared.
import { call, client } from './client'
import type { paths } from './schema'

export type StatsQuery = NonNullable<paths['/api/v1/stats']['get']['parameters']['query']>

/** The figures of what `query` names (the platform's without anything). */
export function getStats(query: StatsQuery = {}) {
  return call(client.GET('/api/v1/stats', { params: { query } }))
}

/** The figures of each division of `region` (the provinces without one). */
export function getRegionBreakdown(region?: string) {
  return call(client.GET('/api/v1/stats/regions', { params: { query: { region } } }))
}
