import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import RegionCascader from '@/components/RegionCascader.vue'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const provinces = { children: [{ code: '44', name: '广东省', level: 'province', leaf: false }] }
const town = {
  region: { code: '441426100', name: '大柘镇', level: 'town', leaf: false },
  path: [{ code: '441426100', name: '大柘镇', level: 'town', leaf: false }],
}

async function mountCascader(props: Record<string, unknown>) {
  const api = fakeApi({ 'GET /api/v1/regions': provinces, 'GET /api/v1/regions/441426100': town })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(RegionCascader, { props: { modelValue: '', ...props }, attachTo: document.body })
  await flushPromises()
  return { ...mounted, api }
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the region cascader', () => {
  it('puts its id and an accessible name on its text input, for the label that points at it', async () => {
    const { wrapper } = await mountCascader({ id: 'hall-region' })
    const input = document.getElementById('hall-region')
    expect(input?.tagName).toBe('INPUT')
    expect(input?.getAttribute('aria-label')).toBe('地区')
    expect(document.querySelectorAll('#hall-region')).toHaveLength(1)

    await wrapper.setProps({ id: 'other', ariaLabel: '所在村' })
    await flushPromises()
    expect(document.getElementById('hall-region')).toBeNull()
    expect(document.getElementById('other')?.getAttribute('aria-label')).toBe('所在村')
    wrapper.unmount()
  })

  it('starts at the provinces by default', async () => {
    const { wrapper, api } = await mountCascader({})
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/regions'])
    wrapper.unmount()
  })

  it('starts at the given regions instead, each asked by its code', async () => {
    const { wrapper, api } = await mountCascader({ roots: ['441426100'], leafOnly: true })
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/regions/441426100'])
    wrapper.unmount()
  })
})
