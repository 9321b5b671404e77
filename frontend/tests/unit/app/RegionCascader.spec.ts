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

const region = (code: string, name: string, level: string, leaf = false) => ({ code, name, level, leaf })
const guangdong = region('44', '广东省', 'province')
const meizhou = region('4414', '梅州市', 'city')
const pingyuan = region('441426', '平远县', 'county')
const jiaoling = region('441427', '蕉岭县', 'county')
const tree = {
  'GET /api/v1/regions/44/children': { children: [meizhou] },
  'GET /api/v1/regions/4414/children': { children: [pingyuan, jiaoling] },
  'GET /api/v1/regions/441426': { region: pingyuan, path: [guangdong, meizhou, pingyuan] },
}

async function mountCascader(props: Record<string, unknown>) {
  const api = fakeApi({ 'GET /api/v1/regions': provinces, 'GET /api/v1/regions/441426100': town, ...tree })
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

  it('shows the path of a region given from outside (a reload), loading its ancestors’ levels', async () => {
    const { wrapper, api } = await mountCascader({ modelValue: '441426' })
    await flushPromises()
    // Its path, then the levels down to it (and the county's own, which the cascader opens).
    expect(new Set(api.calls.map((c) => c.url))).toEqual(
      new Set([
        '/api/v1/regions',
        '/api/v1/regions/441426',
        '/api/v1/regions/44/children',
        '/api/v1/regions/4414/children',
        '/api/v1/regions/441426/children',
      ]),
    )
    const input = wrapper.find('input').element as HTMLInputElement
    expect(input.value).toBe('广东省 / 梅州市 / 平远县')
    // Cleared from outside (the chip's ×): nothing shows.
    await wrapper.setProps({ modelValue: '' })
    await flushPromises()
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('')
    wrapper.unmount()
  })

  it('chooses a region by a click on its name, at any level', async () => {
    const { wrapper } = await mountCascader({ modelValue: '441426' })
    await flushPromises()
    await wrapper.find('.el-cascader').trigger('click')
    await flushPromises()
    const name = (code: string) => document.querySelector<HTMLElement>(`.region-name[data-code="${code}"]`)
    expect(name('441427')?.textContent).toBe('蕉岭县')
    name('441427')!.click()
    await flushPromises()
    name('4414')!.click()
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')).toEqual([['441427'], ['4414']])
    wrapper.unmount()
  })

  it('leaves a village-only cascader to choose villages alone', async () => {
    const { wrapper } = await mountCascader({ modelValue: '441426', leafOnly: true })
    await flushPromises()
    await wrapper.find('.el-cascader').trigger('click')
    await flushPromises()
    document.querySelector<HTMLElement>('.region-name[data-code="441427"]')?.click()
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
    wrapper.unmount()
  })
})
