// Needs: as the public reads them (one need, its pledges, the notices (公示) list, the hall's
// search) and pledging; the lists by status; a village's drafts and their moves.
import { call, client, type Schemas } from './client'
import type { paths } from './schema'

export type NoticesQuery = NonNullable<paths['/api/v1/needs/notices']['get']['parameters']['query']>

export function getNeed(id: number) {
  return call(client.GET('/api/v1/needs/{id}', { params: { path: { id } } }))
}

/** A page of the pledges toward a need, oldest first. */
export function getNeedPledges(id: number, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/needs/{id}/pledges', { params: { path: { id }, query: { page, per_page: perPage } } }))
}

export function getNotices(query: NoticesQuery) {
  return call(client.GET('/api/v1/needs/notices', { params: { query } }))
}

/** Pledges toward a need; a retry with the same `key` is answered with the same pledge. */
export function pledge(needId: number, body: Schemas['NewPledge'], key: string) {
  return call(client.POST('/api/v1/needs/{id}/pledges', { params: { path: { id: needId }, header: { 'Idempotency-Key': key } }, body }))
}

export type SearchQuery = NonNullable<paths['/api/v1/needs/search']['get']['parameters']['query']>

/** The hall's full-text search over published needs, with its facets. */
export function searchNeeds(query: SearchQuery) {
  return call(client.GET('/api/v1/needs/search', { params: { query } }))
}

export type NeedsQuery = NonNullable<paths['/api/v1/needs']['get']['parameters']['query']>

/** Needs by status and region, for those who may see them (the review queues). */
export function listNeeds(query: NeedsQuery) {
  return call(client.GET('/api/v1/needs', { params: { query } }))
}

/** A new draft. */
export function createNeed(need: Schemas['NewNeed']) {
  return call(client.POST('/api/v1/needs', { body: need }))
}

/** Changes only the fields given (a draft's). */
export function changeNeed(id: number, changes: Schemas['NeedChanges']) {
  return call(client.PATCH('/api/v1/needs/{id}', { params: { path: { id } }, body: changes }))
}

/** Sends a draft for verification. */
export function submitNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/submit', { params: { path: { id } } }))
}

export function withdrawNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/withdraw', { params: { path: { id } } }))
}

/** Closes a fulfilled need. */
export function closeNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/close', { params: { path: { id } } }))
}
