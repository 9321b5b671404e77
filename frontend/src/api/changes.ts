// Tells whoever listens that the app changed something on the server (a call other than GET
// answered with success): what shows counts of waiting work reads them again.
import { client } from './client'

type Listener = () => void
const listeners = new Set<Listener>()

client.use({
  onResponse({ request, response }) {
    if (response.ok && request.method !== 'GET' && request.method !== 'HEAD') for (const listener of listeners) listener()
    return response
  },
})

/** Calls `listener` after each successful change; answers the function that stops it. */
export function onChanged(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
