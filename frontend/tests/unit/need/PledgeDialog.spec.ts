import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import PledgeDialog from '@/views/need/components/PledgeDialog.vue'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'
import { me, moneyNeed, publicNeed } from './fixtures'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

/** The fake API, recording each request's Idempotency-Key too. */
function api(table: Record<string, unknown>) {
  const fake = fakeApi(table)
  const keys: (string | null)[] = []
  vi.stubGlobal('fetch', async (input: Request) => {
    if (input.method === 'POST') keys.push(input.headers.get('Idempotency-Key'))
    return fake.fetchImpl(input)
  })
  return { ...fake, keys }
}

async function open(need: Record<string, unknown>, user = me) {
  const mounted = await mountWithApp(PledgeDialog, {
    props: { modelValue: true, need: need as never },
    route: `/needs/${String(need.id)}`,
    attachTo: document.body,
  })
  useSession().user = user as never
  await flushPromises()
  return mounted
}

const body = () => document.body
const input = (id: string) => body().querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-testid=${id}]`)!
async function type(id: string, value: string) {
  const el = input(id)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
/** Element Plus shows a form item's error after a short debounce. */
const errorsShown = () => new Promise((resolve) => setTimeout(resolve, 150))
async function submit() {
  body().querySelector<HTMLButtonElement>('[data-testid=pledge-submit]')!.click()
  await flushPromises()
}

const created = { id: 42, need_id: 4, quantity: 20_000, status: 'pledged' }

describe('the pledge dialog', () => {
  it('sends yuan as fen, with the message, the anonymity and an idempotency key', async () => {
    const fake = api({ 'POST /api/v1/needs/4/pledges': { status: 201, body: created } })
    const { wrapper } = await open(moneyNeed())
    expect(body().querySelector('[data-testid=pledge-dialog]')?.textContent).toContain('还差 ¥6,000')
    await type('pledge-quantity', '200')
    await type('pledge-message', ' 祝学业有成 ')
    // The box's words say what ticking it does, and the line beside it how the pledge will show.
    expect(body().querySelector('[data-testid=pledge-anonymous]')?.textContent).toContain('匿名认捐')
    expect(body().querySelector('[data-testid=pledge-shown-as]')?.textContent).toBe('公开显示您的称呼')
    body().querySelector<HTMLElement>('[data-testid=pledge-anonymous] input')!.click()
    await flushPromises()
    expect(body().querySelector<HTMLInputElement>('[data-testid=pledge-anonymous] input')!.checked).toBe(true)
    expect(body().querySelector('[data-testid=pledge-shown-as]')?.textContent).toBe('公开显示为“爱心人士”')
    await submit()
    expect(fake.calls.at(-1)).toEqual({
      method: 'POST',
      url: '/api/v1/needs/4/pledges',
      body: { quantity: 20_000, anonymous: true, message: '祝学业有成', org_id: null },
    })
    expect(fake.keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(wrapper.emitted('pledged')?.[0]?.[0]).toMatchObject({ id: 42 })
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([false])
  })

  it('keeps its key for a second try, and takes a new one when opened again', async () => {
    const refused = { error: { code: 'internal', message: 'boom' } }
    const fake = api({ 'POST /api/v1/needs/4/pledges': { status: 500, body: refused } })
    const { wrapper } = await open(moneyNeed())
    await type('pledge-quantity', '50')
    await submit()
    await submit()
    expect(fake.keys[0]).toBe(fake.keys[1])
    await wrapper.setProps({ modelValue: false })
    await wrapper.setProps({ modelValue: true })
    await type('pledge-quantity', '50')
    await submit()
    expect(fake.keys[2]).not.toBe(fake.keys[0])
  })

  it('checks the quantity before sending: not beyond what remains, not below the minimum', async () => {
    const fake = api({})
    await open(publicNeed())
    await type('pledge-quantity', '5000')
    await errorsShown()
    expect(body().textContent).toContain('最多还能认捐 4,000 公斤')
    await type('pledge-quantity', '5')
    await errorsShown()
    expect(body().textContent).toContain('最少认捐 10 公斤')
    await submit()
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })

  it('refuses a negative quantity saying it must be at least 1 (in 元 for money), and a message too long, before sending', async () => {
    const fake = api({})
    await open(publicNeed())
    await type('pledge-quantity', '-5')
    await errorsShown()
    expect(body().textContent).toContain('不能小于 1')
    expect(body().textContent).not.toContain('请填写整数')
    await type('pledge-message', '好'.repeat(201))
    await submit()
    await errorsShown()
    expect(body().textContent).toContain('最多 200 个字')
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    document.body.innerHTML = ''
    await open(moneyNeed())
    await type('pledge-quantity', '-5')
    await errorsShown()
    expect(body().textContent).toContain('不能小于 ¥0.01')
  })

  it('when others pledged first, says what remains and offers to pledge just that', async () => {
    const over = {
      error: { code: 'need_over_pledged', message: 'only 30 remain', details: { remaining_quantity: 30, unit: 'kg' } },
    }
    const fake = api({ 'POST /api/v1/needs/8/pledges': { status: 409, body: over } })
    const { wrapper } = await open(publicNeed())
    await type('pledge-quantity', '100')
    await submit()
    const text = body().querySelector('.over')?.textContent ?? ''
    expect(text).toContain('只差 30 公斤')
    expect(wrapper.emitted('stale')).toHaveLength(1)
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
    body().querySelector<HTMLButtonElement>('.over button')!.click()
    await flushPromises()
    expect((input('pledge-quantity') as HTMLInputElement).value).toBe('30')
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(1)
  })

  it('thanks the donor kindly when nothing remains', async () => {
    const full = { error: { code: 'need_over_pledged', message: 'full', details: { remaining_quantity: 0 } } }
    api({ 'POST /api/v1/needs/8/pledges': { status: 409, body: full } })
    await open(publicNeed())
    await type('pledge-quantity', '100')
    await submit()
    expect(body().querySelector('.over')?.textContent).toContain('刚刚已被全部认捐')
    expect(body().querySelector('.over a')?.getAttribute('href')).toBe('/needs?open=true')
  })

  it('when the key was used before for another amount, points to my pledges and takes a new key', async () => {
    const reused = { error: { code: 'idempotency_key_reused', message: 'Idempotency-Key reused with another body' } }
    const fake = api({ 'POST /api/v1/needs/8/pledges': { status: 422, body: reused } })
    const { wrapper } = await open(publicNeed())
    await type('pledge-quantity', '100')
    await submit()
    const notice = body().querySelector('[data-testid=pledge-reused]')
    expect(notice?.textContent).toContain('可能已经登记成功')
    expect(notice?.querySelector('a')?.getAttribute('href')).toBe('/me/pledges')
    expect(wrapper.emitted('stale')).toHaveLength(1)
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
    await submit()
    expect(fake.keys).toHaveLength(2)
    expect(fake.keys[1]).not.toBe(fake.keys[0])
  })

  it('shows a refused message on the message field', async () => {
    const refusal = {
      error: { code: 'private_data', message: 'no', fields: { message: [{ code: 'private_data', kind: 'mobile', message: 'contains a phone number' }] } },
    }
    api({ 'POST /api/v1/needs/8/pledges': { status: 422, body: refusal } })
    await open(publicNeed())
    await type('pledge-quantity', '100')
    await type('pledge-message', '请打13800138000')
    await submit()
    await errorsShown()
    const item = input('pledge-message').closest('.el-form-item')!
    expect(item.textContent).toContain('不能包含电话号码，联系请通过平台')
  })

  it('offers the verified organisations the donor acts for', async () => {
    const fake = api({
      'GET /api/v1/organisations/5': { id: 5, kind: 'enterprise', name: '客都农业', verified: true },
      'GET /api/v1/organisations/6': { id: 6, kind: 'social_org', name: '未审核的会', verified: false },
      'POST /api/v1/needs/8/pledges': { status: 201, body: created },
    })
    const donor = { ...me, roles: [{ id: 1, role: 'org_member', organisation_id: 5 }, { id: 2, role: 'org_admin', organisation_id: 6 }] }
    const { wrapper } = await open(publicNeed(), donor)
    // The session is known only after mounting here: open the dialog again to read it.
    await wrapper.setProps({ modelValue: false })
    await wrapper.setProps({ modelValue: true })
    await flushPromises()
    expect(body().querySelector('label[for=pledge-org]')?.textContent).toContain('以组织名义认捐')
    expect(fake.calls.map((c) => c.url)).toEqual(expect.arrayContaining(['/api/v1/organisations/5', '/api/v1/organisations/6']))
  })
})
