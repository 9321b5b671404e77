// Organisations (企业、社会组织): the list, one organisation as its members and the public see it,
// its dashboard; registering and verifying one (administrators).
import { call, client, type Schemas } from './client'
import type { paths } from './schema'

export type OrganisationsQuery = NonNullable<paths['/api/v1/organisations']['get']['parameters']['query']>

/** The verified organisations, or with `verified: false` those waiting (administrators). */
export function listOrganisations(query: OrganisationsQuery = {}) {
  return call(client.GET('/api/v1/organisations', { params: { query } }))
}

export function getOrganisation(id: number) {
  return call(client.GET('/api/v1/organisations/{id}', { params: { path: { id } } }))
}

/** Its pairings, the open needs in their regions, what it pledged and delivered by month. */
export function getDashboard(id: number) {
  return call(client.GET('/api/v1/organisations/{id}/dashboard', { params: { path: { id } } }))
}

export function createOrganisation(organisation: Schemas['NewOrganisation']) {
  return call(client.POST('/api/v1/organisations', { body: organisation }))
}

export function verifyOrganisation(id: number) {
  return call(client.POST('/api/v1/organisations/{id}/verify', { params: { path: { id } } }))
}
