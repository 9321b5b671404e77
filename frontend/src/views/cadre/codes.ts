// The API's code lists the cadre's forms and tabs offer, in the order they are offered.
import type { Schemas } from '@/api/client'

export type NeedStatus = Schemas['NeedStatus']
export type Category = Schemas['Category']
export type Unit = Schemas['Unit']
export type Urgency = Schemas['Urgency']
export type PovertyCause = Schemas['PovertyCause']
export type RegisterStatus = Schemas['RegisterStatus']

export const NEED_STATUSES: readonly NeedStatus[] = [
  'draft', 'submitted', 'verified', 'in_notice', 'suspended', 'published', 'fully_pledged',
  'fulfilled', 'closed', 'rejected', 'withdrawn', 'expired',
]
export const CATEGORIES: readonly Category[] = [
  'education', 'medical', 'industry', 'employment', 'housing', 'infrastructure', 'daily_goods', 'consumption',
]
export const UNITS: readonly Unit[] = ['item', 'set', 'kg', 'money', 'position', 'person_time']
export const URGENCIES: readonly Urgency[] = ['normal', 'urgent', 'critical']
export const POVERTY_CAUSES: readonly PovertyCause[] = [
  'illness', 'disability', 'education_cost', 'disaster', 'lack_land', 'lack_water', 'lack_skills',
  'lack_labour', 'lack_capital', 'poor_transport', 'lack_motivation',
]
export const REGISTER_STATUSES: readonly RegisterStatus[] = ['registered', 'exited', 'returned']
