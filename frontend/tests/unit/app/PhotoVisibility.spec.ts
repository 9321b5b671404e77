import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import PhotoVisibility from '@/components/PhotoVisibility.vue'
import type { Schemas } from '@/api/client'
import { confirmAction, notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const id = 'ab'.repeat(16)
const photo = (isPublic: boolean): Schemas['PhotoRef'] => ({ id, url: `/api/v1/photos/${id}`, width: 320, height: 240, public: isPublic })
const path = `PATCH /api/v1/needs/7/photos/${id}`

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('a need photo’s visibility', () => {
  it('says a new photo is the staff’s, and publishes it once the cadre confirms', async () => {
    const api = fakeApi({ [path]: photo(true) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(PhotoVisibility, { props: { needId: 7, photo: photo(false), index: 0, canPublish: true, canHide: true } })
    expect(wrapper.get('[data-testid="photo-visibility"]').text()).toBe('仅工作人员可见')
    await wrapper.get('[data-testid="photo-publish"]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalled()
    expect(api.calls).toEqual([{ method: 'PATCH', url: `/api/v1/needs/7/photos/${id}`, body: { public: true } }])
    expect(wrapper.emitted('changed')?.[0]).toEqual([photo(true)])
    expect(notifySuccess).toHaveBeenCalledWith('照片将随需求公开')
  })

  it('sends nothing when the confirmation is declined', async () => {
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    const api = fakeApi({ [path]: photo(false) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(PhotoVisibility, { props: { needId: 7, photo: photo(true), index: 0, canPublish: false, canHide: true } })
    await wrapper.get('[data-testid="photo-hide"]').trigger('click')
    await flushPromises()
    expect(api.calls).toEqual([])
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('offers a verifier only to take a public photo back, in English too', async () => {
    const { wrapper } = await mountWithApp(PhotoVisibility, { locale: 'en', props: { needId: 7, photo: photo(false), index: 0, canPublish: false, canHide: true } })
    expect(wrapper.get('[data-testid="photo-visibility"]').text()).toBe('Staff only')
    expect(wrapper.find('[data-testid="photo-publish"]').exists()).toBe(false)
    await wrapper.setProps({ photo: photo(true) })
    expect(wrapper.get('[data-testid="photo-hide"]').text()).toBe('Take back')
  })
})
