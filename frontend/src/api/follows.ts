// Follows (关注): the caller's follows of regions, categories, pairings and organisations, each
// alerting at once (`instant`) or in a daily digest (`daily`) when a need is published inside it.
import { call, client, type Schemas } from './client'

export type Follow = Schemas['FollowView']
export type FollowKind = Schemas['FollowKind']
export type AlertMode = Schemas['AlertMode']

/** 我的关注: a page of the caller's follows, oldest first. */
export function getMyFollows(page = 1, perPage = 20) {
  return call(client.GET('/api/v1/me/follows', { params: { query: { page, per_page: perPage } } }))
}

/** Follows something; following it again changes the mode (the same follow, the same id). */
export function follow(targetKind: FollowKind, target: string, mode?: AlertMode) {
  return call(client.POST('/api/v1/me/follows', { body: { target_kind: targetKind, target, mode } }))
}

/** How a follow's alerts come. */
export function changeFollowMode(id: number, mode: AlertMode) {
  return call(client.PATCH('/api/v1/me/follows/{id}', { params: { path: { id } }, body: { mode } }))
}

/** Leaves a follow. */
export function unfollow(id: number) {
  return call(client.DELETE('/api/v1/me/follows/{id}', { params: { path: { id } } }))
}
