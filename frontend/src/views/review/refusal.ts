// Why the server refused a verifier's decision, in words that say what to do about it. The
// codes are the API's: `conflict_of_interest` (403) for a need the verifier recorded or already
// verified once, `forbidden` (403) when a county-level verifier is needed, `invalid_state` (422)
// when the need moved on meanwhile (another verifier decided, the cadre withdrew it).
import { ApiError } from '@/api/client'

export type RefusalKind = 'conflict_of_interest' | 'forbidden' | 'invalid_state'

export interface Refusal {
  kind: RefusalKind
  /** i18n key of the explanation. */
  message: string
  /** The need is no longer what the queue showed: it should leave the queue. */
  stale: boolean
}

export function refusalOf(e: unknown): Refusal | null {
  if (!(e instanceof ApiError)) return null
  switch (e.code) {
    case 'conflict_of_interest':
      return { kind: e.code, message: 'review.refusal.conflictOfInterest', stale: false }
    case 'forbidden':
      return { kind: e.code, message: 'review.refusal.forbidden', stale: false }
    case 'invalid_state':
      return { kind: e.code, message: 'review.refusal.invalidState', stale: true }
    default:
      return null
  }
}

/** A verifier's decision on an objection. */
export type ObjectionDecision = 'uphold' | 'dismiss'
