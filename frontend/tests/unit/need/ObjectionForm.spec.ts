import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ObjectionForm from '@/components/ObjectionForm.vue'
import { fakeApi, mountWithApp } from '../mount'

afterEach(() => vi.unstubAllGlobals())

const errorsShown = () => new Promise((resolve) => setTimeout(resolve, 150))
const reason = '据村民反映，该户房屋已由保险理赔修好，情况与公示不符。'

async function mountForm(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ObjectionForm, { props: { needId: 16 } })
  return { ...mounted, api }
}

describe('the objection form', () => {
  it('files the reason and the contact, and says it was received', async () => {
    const { wrapper, api } = await mountForm({
      'POST /api/v1/needs/16/objections': { status: 201, body: { id: 3, need_id: 16, need_status: 'suspended' } },
    })
    await wrapper.get('[data-testid=objection-reason]').setValue(`  ${reason} `)
    await wrapper.get('#objection-contact-16').setValue('13800138000')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.at(-1)).toEqual({
      method: 'POST', url: '/api/v1/needs/16/objections', body: { reason, contact: '13800138000' },
    })
    expect(wrapper.emitted('filed')?.[0]?.[0]).toMatchObject({ need_status: 'suspended' })
    expect((wrapper.get('[data-testid=objection-reason]').element as HTMLTextAreaElement).value).toBe('')
  })

  it('objects anonymously when no contact is given', async () => {
    const { wrapper, api } = await mountForm({
      'POST /api/v1/needs/16/objections': { status: 201, body: { id: 3, need_id: 16, need_status: 'suspended' } },
    })
    await wrapper.get('[data-testid=objection-reason]').setValue(reason)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.at(-1)?.body).toEqual({ reason, contact: null })
  })

  it('asks for a real reason before sending anything', async () => {
    const { wrapper, api } = await mountForm({})
    await wrapper.get('[data-testid=objection-reason]').setValue('太短')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await errorsShown()
    expect(wrapper.text()).toContain('应为 10–1000 个字')
    expect(api.calls).toHaveLength(0)
  })

  it('shows the API’s complaint on the field it names', async () => {
    const refusal = { error: { code: 'validation_failed', message: 'bad', fields: { contact: [{ code: 'length', max: 100, message: 'must be at most 100 characters' }] } } }
    const { wrapper } = await mountForm({ 'POST /api/v1/needs/16/objections': { status: 400, body: refusal } })
    await wrapper.get('[data-testid=objection-reason]').setValue(reason)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await errorsShown()
    const contactItem = wrapper.get('#objection-contact-16').element.closest('.el-form-item')!
    expect(contactItem.textContent).toContain('最多 100 个字')
    expect(wrapper.emitted('filed')).toBeUndefined()
  })
})
