// Pairings (结对帮扶): the public list and one pairing; for its coordinators and the
// administrators, its board, its member organisations, and invitations to pledge.
import { call, client, type Schemas } from './client'
import type { paths } from './schema'

export type PairingsQuery = NonNullable<paths['/api/v1/pairings']['get']['parameters']['query']>

export function listPairings(query: PairingsQuery = {}) {
  return call(client.GET('/api/v1/pairings', { params: { query } }))
}

export function getPairing(id: number) {
  return call(client.GET('/api/v1/pairings/{id}', { params: { path: { id } } }))
}

/** The open needs in its regions, each member's figures, late pledges, the invitations sent. */
export function getBoard(id: number) {
  return call(client.GET('/api/v1/pairings/{id}/board', { params: { path: { id } } }))
}

/** Invites a member organisation to pledge toward a need (once per need and organisation). */
export function invite(pairingId: number, invitation: Schemas['NewInvitation']) {
  return call(client.POST('/api/v1/pairings/{id}/invitations', { params: { path: { id: pairingId } }, body: invitation }))
}

/** Answers with the pairing as it now stands. */
export function addMember(pairingId: number, organisationId: number) {
  return call(client.POST('/api/v1/pairings/{id}/members', { params: { path: { id: pairingId } }, body: { organisation_id: organisationId } }))
}

export function removeMember(pairingId: number, organisationId: number) {
  return call(client.DELETE('/api/v1/pairings/{id}/members/{organisation_id}', { params: { path: { id: pairingId, organisation_id: organisationId } } }))
}
