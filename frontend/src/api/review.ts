// A verifier's decisions on a submitted need: verify (publish) or reject with a reason.
import { call, client, type Schemas } from './client'

// The OpenAPI document names two schemas `Reason`: this decision's body (`{reason}`) and a
// match's reason (#20), and it keeps the latter, so the generated type of this body is wrong.
// The server takes `{reason}`; the cast goes once the document names them apart.
const because = (reason: string) => ({ reason }) as unknown as Schemas['Reason']

export function verifyNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/verify', { params: { path: { id } } }))
}

export function rejectNeed(id: number, reason: string) {
  return call(client.POST('/api/v1/needs/{id}/reject', { params: { path: { id } }, body: because(reason) }))
}
