// Regions (行政区划): the provinces, one region with its path from the province, its children.
import { call, client } from './client'

/** The provinces: the tree's first level. */
export function getProvinces() {
  return call(client.GET('/api/v1/regions'))
}

/** One region, with its `path` from the province down to it. */
export function getRegion(code: string) {
  return call(client.GET('/api/v1/regions/{code}', { params: { path: { code } } }))
}

export function getRegionChildren(code: string) {
  return call(client.GET('/api/v1/regions/{code}/children', { params: { path: { code } } }))
}
