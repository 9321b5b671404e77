// Organisations (企业、社会组织): one organisation as its members and the public see it.
import { call, client } from './client'

export function getOrganisation(id: number) {
  return call(client.GET('/api/v1/organisations/{id}', { params: { path: { id } } }))
}
