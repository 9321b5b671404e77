import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AppHeader from '@/components/AppHeader.vue'
import { i18n } from '@/locales'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const me = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }

afterEach(() => vi.unstubAllGlobals())

async function switchTo(wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper'], locale: string) {
  await wrapper.get('[data-testid="locale-select"]').setValue(locale)
  await flushPromises()
}

describe('the header language switch', () => {
  it("saves a signed-in user's choice on the account", async () => {
    const api = fakeApi({ 'PATCH /api/v1/me': { ...me, locale: 'en' } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(AppHeader)
    useSession().user = me as never
    await switchTo(wrapper, 'en')
    expect(api.calls).toContainEqual({ method: 'PATCH', url: '/api/v1/me', body: { locale: 'en' } })
    expect(i18n.global.locale.value).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it('switches at once for a visitor, and keeps the language when saving fails', async () => {
    const api = fakeApi({ 'PATCH /api/v1/me': { status: 500, body: { error: { code: 'internal', message: 'x' } } } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(AppHeader)
    await switchTo(wrapper, 'en')
    expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(0)
    expect(i18n.global.locale.value).toBe('en')

    useSession().user = me as never
    await switchTo(wrapper, 'zh-CN')
    expect(i18n.global.locale.value).toBe('en')
    expect((wrapper.get('[data-testid="locale-select"]').element as HTMLSelectElement).value).toBe('en')
  })
})
