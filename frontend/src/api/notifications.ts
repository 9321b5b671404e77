// The signed-in account's notifications and its e-mail preferences.
import { call, client, type Schemas } from './client'

export function getNotifications() {
  return call(client.GET('/api/v1/me/notifications'))
}

export function changeNotificationPreferences(change: Schemas['PreferencesChange']) {
  return call(client.PATCH('/api/v1/me/notifications', { body: change }))
}
