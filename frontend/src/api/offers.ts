// Offers of help (帮扶资源): the public hall's search and one offer; writing, publishing,
// pausing and withdrawing one's own; the matches both ways (offers for a need, needs for an
// offer, each with its reasons); a village's requests for an offer and the offering side's
// answers; applying an offer to a need directly.
import { call, client, type Schemas } from './client'
import type { paths } from './schema'

export type OfferSearchQuery = NonNullable<paths['/api/v1/offers/search']['get']['parameters']['query']>
export type MyOffersQuery = NonNullable<paths['/api/v1/me/offers']['get']['parameters']['query']>
/** The moves an offer's own people make on it (each answers with the offer as it now stands). */
export type OfferStep = 'publish' | 'pause' | 'resume' | 'withdraw'

/** 帮扶资源大厅: the live offers by words, kind, category, region, organisation and programme. */
export function searchOffers(query: OfferSearchQuery) {
  return call(client.GET('/api/v1/offers/search', { params: { query } }))
}

/** One offer with its timeline; `manage` too for its offerer's people. */
export function getOffer(id: number) {
  return call(client.GET('/api/v1/offers/{id}', { params: { path: { id } } }))
}

/** A page of the caller's own offers (as themself and for their organisations), drafts included, newest first. */
export function getMyOffers(query: MyOffersQuery = {}, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/me/offers', { params: { query: { ...query, page, per_page: perPage } } }))
}

/** A page of an organisation's public offers, newest first. */
export function getOrganisationOffers(id: number, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/organisations/{id}/offers', { params: { path: { id }, query: { page, per_page: perPage } } }))
}

/** A new offer, as a draft. */
export function createOffer(offer: Schemas['NewOffer']) {
  return call(client.POST('/api/v1/offers', { body: offer }))
}

/** Rewrites a draft's or a paused offer's fields (all of them). */
export function updateOffer(id: number, fields: Schemas['OfferFields']) {
  return call(client.PUT('/api/v1/offers/{id}', { params: { path: { id } }, body: fields }))
}

export function stepOffer(id: number, step: OfferStep) {
  const options = { params: { path: { id } } }
  switch (step) {
    case 'publish':
      return call(client.POST('/api/v1/offers/{id}/publish', options))
    case 'pause':
      return call(client.POST('/api/v1/offers/{id}/pause', options))
    case 'resume':
      return call(client.POST('/api/v1/offers/{id}/resume', options))
    case 'withdraw':
      return call(client.POST('/api/v1/offers/{id}/withdraw', options))
  }
}

/** The offers that could fill a published need, best first, with their reasons. */
export function getOffersForNeed(needId: number) {
  return call(client.GET('/api/v1/needs/{id}/offers', { params: { path: { id: needId } } }))
}

/** The needs an offer could fill, best first, with their reasons. */
export function getNeedsForOffer(offerId: number) {
  return call(client.GET('/api/v1/offers/{id}/needs', { params: { path: { id: offerId } } }))
}

/** A village's cadre asks for an offer for one of its needs. */
export function requestOffer(offerId: number, request: Schemas['NewRequest']) {
  return call(client.POST('/api/v1/offers/{id}/requests', { params: { path: { id: offerId } }, body: request }))
}

/** A page of the requests made for a need (its cadres and verifiers), newest first. */
export function getNeedOfferRequests(needId: number, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/needs/{id}/offer-requests', { params: { path: { id: needId }, query: { page, per_page: perPage } } }))
}

/** The offering side accepts a request: it becomes a pledge on the need. */
export function acceptOfferRequest(id: number) {
  return call(client.POST('/api/v1/offer-requests/{id}/accept', { params: { path: { id } } }))
}

/** The offering side declines a request, saying why. */
export function declineOfferRequest(id: number, reason: string) {
  return call(client.POST('/api/v1/offer-requests/{id}/decline', { params: { path: { id } }, body: { reason } }))
}

/** The village takes a pending request back. */
export function withdrawOfferRequest(id: number) {
  return call(client.POST('/api/v1/offer-requests/{id}/withdraw', { params: { path: { id } } }))
}

/** The offering side applies its offer to a need directly: a pledge at once. */
export function applyOffer(offerId: number, application: Schemas['Application']) {
  return call(client.POST('/api/v1/offers/{id}/apply', { params: { path: { id: offerId } }, body: application }))
}
