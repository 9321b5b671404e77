import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import PhotoUploader from '@/components/PhotoUploader.vue'
import { ApiError, type Schemas } from '@/api/client'
import { addNeedPhoto } from '@/api/photos'
import { fakeApi, mountWithApp } from '../mount'

type Photo = Schemas['PhotoRef']
const photo = (n: number): Photo => {
  const id = n.toString(16).padStart(32, '0')
  return { id, url: `/api/v1/photos/${id}`, width: 320, height: 240, public: false }
}

async function mountUploader(props: { upload: (file: Blob) => Promise<Photo>; photos?: Photo[]; max?: number; fullLabel?: string }) {
  const mounted = await mountWithApp(PhotoUploader, {
    props: { photos: [], uploadingLabel: '上传中', alt: '照片', 'data-testid': 'photo-input', id: 'photo-input', ...props },
  })
  const input = mounted.wrapper.get('[data-testid="photo-input"]')
  const choose = async (...names: string[]) => {
    const files = names.map((n) => new File(['0'], n, { type: 'image/png' }))
    Object.defineProperty(input.element, 'files', { value: files, configurable: true })
    await input.trigger('change')
    await flushPromises()
  }
  return { ...mounted, input, choose }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('the photo uploader', () => {
  it('puts its id and test id on the file input, and posts each chosen file with its upload call', async () => {
    const api = fakeApi({ 'POST /api/v1/needs/3/photos': { status: 201, body: photo(8) } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper, input, choose } = await mountUploader({ upload: (file) => addNeedPhoto(3, file) })
    expect(input.element.tagName).toBe('INPUT')
    expect(input.attributes('id')).toBe('photo-input')
    expect(input.attributes('accept')).toBe('image/jpeg,image/png,image/webp')
    await choose('a.png')
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/needs/3/photos'])
    expect(wrapper.emitted('update:photos')?.at(-1)).toEqual([[photo(8)]])
    expect(wrapper.emitted('uploaded')).toEqual([[photo(8)]])
  })

  it('previews from the file, says why a file failed on its own tile, and revokes its previews when it goes', async () => {
    const revoke = vi.spyOn(window.URL, 'revokeObjectURL')
    const upload = vi.fn(async (file: Blob) => {
      if ((file as File).name === 'bad.png') throw new ApiError(413, 'photo_too_large', 'too large')
      return photo(9)
    })
    const { wrapper, choose } = await mountUploader({ upload })
    await choose('good.png', 'bad.png')
    expect(upload).toHaveBeenCalledTimes(2)
    const uploaded = wrapper.emitted('update:photos')?.at(-1)?.[0] as Photo[]
    expect(uploaded).toEqual([photo(9)])
    await wrapper.setProps({ photos: uploaded })
    expect(wrapper.findAll('img').every((img) => img.attributes('src')?.startsWith('blob:'))).toBe(true)
    const failed = wrapper.findAll('[role="alert"]')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.text()).not.toBe('')
    expect(wrapper.emitted('update:pending')?.at(-1)).toEqual([0])

    wrapper.unmount()
    expect(revoke).toHaveBeenCalledTimes(2)
  })

  it('takes no more files than there is room for', async () => {
    const upload = vi.fn(async () => photo(10))
    const { wrapper, choose } = await mountUploader({ upload, photos: [photo(1)], max: 2, fullLabel: '最多 2 张' })
    await choose('a.png', 'b.png')
    expect(upload).toHaveBeenCalledTimes(1)
    expect(wrapper.text()).toContain('最多 2 张')
    await wrapper.setProps({ photos: [photo(1), photo(10)] })
    expect(wrapper.find('input[type="file"]').exists()).toBe(false)
  })
})
