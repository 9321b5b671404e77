// Accounts as administrators manage them: finding them, granting a role with its scope, revoking one.
import { call, client, type Schemas } from './client'
import type { paths } from './schema'

export type UsersQuery = NonNullable<paths['/api/v1/users']['get']['parameters']['query']>

export function listUsers(query: UsersQuery) {
  return call(client.GET('/api/v1/users', { params: { query } }))
}

/** Grants a role: true when granted now (201), false when the user held it already (200). */
export async function grantRole(userId: number, grant: Schemas['NewGrant']): Promise<boolean> {
  const request = client.POST('/api/v1/users/{id}/roles', { params: { path: { id: userId } }, body: grant })
  await call(request)
  return (await request).response.status === 201
}

export function revokeRole(userId: number, grantId: number) {
  return call(client.DELETE('/api/v1/users/{id}/roles/{grant_id}', { params: { path: { id: userId, grant_id: grantId } } }))
}
