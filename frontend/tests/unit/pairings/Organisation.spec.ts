import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import Organisation from '@/views/organisation/Organisation.vue'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'
import { publicNeed } from '../need/fixtures'
import { coordinator, enterprise, figures, kedu, pairing, purchase } from './fixtures'

vi.mock('@/plugins/echarts', () => ({ default: defineComponent({ setup: () => () => h('div', { class: 'chart-stub' }) }) }))

const org = { ...kedu, credit_code: '91441426MA4UDEM01B', region_code: '441426', description: null, verified: true, verified_at: '2026-12-02T01:00:00Z' }
const api = () =>
  fakeApi({
    'GET /api/v1/organisations/1': org,
    'GET /api/v1/regions/441426': {
      region: { code: '441426', name: '平远县', level: 'county', leaf: false },
      path: [{ code: '44', name: '广东省', level: 'province', leaf: false }, { code: '4414', name: '梅州市', level: 'city', leaf: false }, { code: '441426', name: '平远县', level: 'county', leaf: false }],
    },
    'GET /api/v1/organisations/1/dashboard': {
      organisation: kedu,
      pairings: [pairing()],
      open_needs: [publicNeed()],
      open_needs_total: 1,
      open_needs_value_fen: 3_200_000,
      figures: figures(),
      purchases: [purchase()],
    },
  })

afterEach(() => vi.unstubAllGlobals())

describe('an organisation page', () => {
  it('shows its own people the dashboard and the ledger export', async () => {
    const fake = api()
    vi.stubGlobal('fetch', fake.fetchImpl)
    const { wrapper } = await mountWithApp(Organisation, { props: { id: '1' }, route: '/organisations/1' })
    useSession().user = enterprise
    await flushPromises()
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('广东省 梅州市 平远县')
    expect(text).toContain('91441426MA4UDEM01B')
    expect(text).toContain('本单位认捐与到位')
    expect(text).toContain('广州 → 梅州、清远 对口帮扶')
    expect(text).toContain('杞园村沙田柚消费帮扶')
    expect(wrapper.get('[data-testid="export-ledger-csv"]').attributes('href')).toBe('/api/v1/exports/ledger?org=1&format=csv')
    expect(wrapper.get('[data-testid="export-ledger-xlsx"]').attributes('href')).toBe('/api/v1/exports/ledger?org=1&format=xlsx')
    // 消费帮扶: its purchases, and their ledger.
    expect(wrapper.get('[data-testid="org-purchases"]').text()).toContain('平远百花蜜')
    expect(wrapper.get('[data-testid="consumption-received"]').text()).toBe('¥580')
    expect(wrapper.get('[data-testid="export-purchases-csv"]').attributes('href')).toBe('/api/v1/exports/purchases?org=1&format=csv')
  })

  it('shows others the organisation only, without asking for its dashboard', async () => {
    const fake = api()
    vi.stubGlobal('fetch', fake.fetchImpl)
    const { wrapper } = await mountWithApp(Organisation, { props: { id: '1' }, route: '/organisations/1' })
    useSession().user = coordinator
    await flushPromises()
    expect(wrapper.text()).toContain('梅州客都农业发展有限公司（演示）')
    expect(fake.calls.some((c) => c.url.endsWith('/dashboard'))).toBe(false)
    expect(wrapper.find('[data-testid="export-ledger-csv"]').exists()).toBe(false)
  })

  it('offers to follow a verified organisation, and not one still unverified', async () => {
    const fake = api()
    vi.stubGlobal('fetch', fake.fetchImpl)
    const verified = await mountWithApp(Organisation, { props: { id: '1' }, route: '/organisations/1' })
    await flushPromises()
    const button = verified.wrapper.get('[data-follow-kind=organisation]')
    expect(button.attributes('data-follow-target')).toBe('1')
    expect(button.text()).toContain('关注该组织')
    verified.wrapper.unmount()

    const unverified = fakeApi({ 'GET /api/v1/organisations/1': { ...org, verified: false, verified_at: null } })
    vi.stubGlobal('fetch', unverified.fetchImpl)
    const pending = await mountWithApp(Organisation, { props: { id: '1' }, route: '/organisations/1' })
    await flushPromises()
    expect(pending.wrapper.find('h1').exists()).toBe(true)
    expect(pending.wrapper.find('[data-follow-kind=organisation]').exists()).toBe(false)
  })
})
