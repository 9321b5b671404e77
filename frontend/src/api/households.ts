// Households (建档立卡), for their village's cadres: a village's register, one household's file,
// registering and editing one, its yearly incomes, its moves on the register, and the audited
// reveal of its private fields.
import { call, client, type Schemas } from './client'

/** A page of a village's households, private fields masked, oldest first. */
export function listHouseholds(village: string, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/households', { params: { query: { village, page, per_page: perPage } } }))
}

/** One household with its incomes and its register history, private fields masked. */
export function getHousehold(id: number) {
  return call(client.GET('/api/v1/households/{id}', { params: { path: { id } } }))
}

export function createHousehold(household: Schemas['NewHousehold']) {
  return call(client.POST('/api/v1/households', { body: household }))
}

/** Changes only the fields given. */
export function changeHousehold(id: number, changes: Schemas['HouseholdChanges']) {
  return call(client.PATCH('/api/v1/households/{id}', { params: { path: { id } }, body: changes }))
}

/** One more year's per-capita income (once per year). */
export function addIncome(id: number, income: Schemas['NewIncome']) {
  return call(client.POST('/api/v1/households/{id}/incomes', { params: { path: { id } }, body: income }))
}

/** A move on the register (exit, return), with its reason and evidence. */
export function moveHousehold(id: number, move: Schemas['StatusMove']) {
  return call(client.POST('/api/v1/households/{id}/status', { params: { path: { id } }, body: move }))
}

/** The household's private fields in full; the server records who asked. */
export function revealPrivate(id: number) {
  return call(client.POST('/api/v1/households/{id}/private', { params: { path: { id } } }))
}
