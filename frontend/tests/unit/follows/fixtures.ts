import type { Follow } from '@/stores/follows'
import type { Me } from '@/stores/session'

export const donor: Me = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }

export function follow(overrides: Partial<Follow> = {}): Follow {
  return {
    id: 1,
    target_kind: 'region',
    target: '4414',
    label: '广东省梅州市',
    mode: 'instant',
    created_at: '2026-11-20T02:00:00Z',
    ...overrides,
  }
}

/** The demo donor's follows: 梅州市 at once, 教育助学 in a daily digest. */
export const demoFollows = (): Follow[] => [
  follow(),
  follow({ id: 2, target_kind: 'category', target: 'education', label: '教育助学', mode: 'daily' }),
]
