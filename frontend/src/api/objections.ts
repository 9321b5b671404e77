// Objections (举报 / 异议) to a need in its notice: filing one (anyone), and for its verifiers the
// list of a need's objections and the decision on each, upheld or dismissed with a reason.
import { call, client, type Schemas } from './client'

export function fileObjection(needId: number, objection: Schemas['NewObjection']) {
  return call(client.POST('/api/v1/needs/{id}/objections', { params: { path: { id: needId } }, body: objection }))
}

/** A page of a need's objections, newest first. */
export function getObjections(needId: number, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/needs/{id}/objections', { params: { path: { id: needId }, query: { page, per_page: perPage } } }))
}

/** Upheld: the need is rejected. */
export function upholdObjection(id: number, reason: string) {
  return call(client.POST('/api/v1/objections/{id}/uphold', { params: { path: { id } }, body: { reason } }))
}

/** Dismissed: the need's notice resumes once no objection is left open. */
export function dismissObjection(id: number, reason: string) {
  return call(client.POST('/api/v1/objections/{id}/dismiss', { params: { path: { id } }, body: { reason } }))
}
