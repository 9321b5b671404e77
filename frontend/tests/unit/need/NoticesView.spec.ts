import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NoticesView from '@/views/notices/Notices.vue'
import { fakeApi, mountWithApp } from '../mount'
import { moneyNeed, publicNeed } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const page = {
  items: [
    moneyNeed({ status: 'in_notice', notice_ends_at: '2026-12-03T23:00:00Z' }),
    publicNeed({ id: 5, title: '冬季棉被', status: 'suspended', notice_ends_at: '2026-12-04T23:00:00Z' }),
  ],
  total: 2,
  page: 1,
  per_page: 20,
}

describe('the public notice list', () => {
  it('lists the needs in notice with their end, a link to each, and an objection form', async () => {
    const api = fakeApi({
      'GET /api/v1/needs/notices': page,
      'POST /api/v1/needs/4/objections': { status: 201, body: { id: 9, need_id: 4, need_status: 'suspended' } },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(NoticesView, { route: '/notices' })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=notice-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('公示截止 2026/12/04 07:00')
    expect(rows[0]!.find('a[href="/needs/4"]').exists()).toBe(true)
    expect(rows[1]!.text()).toContain('异议核查中')

    await rows[0]!.get('[data-testid=report-button]').trigger('click')
    await wrapper.get('[data-testid=objection-reason]').setValue('我认识这家人，两个孩子的学费已由学校全额减免了。')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.url).toBe('/api/v1/needs/4/objections')
    expect(wrapper.findAll('[data-testid=notice-row]')[0]!.text()).toContain('已收到您的异议')
  })

  it('says so when no need is in notice', async () => {
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/needs/notices': { items: [], total: 0, page: 1, per_page: 20 } }).fetchImpl)
    const { wrapper } = await mountWithApp(NoticesView, { route: '/notices' })
    await flushPromises()
    expect(wrapper.text()).toContain('目前没有正在公示的需求')
  })
})
