import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { setLocale } from '@/locales'
import { notifyError, notifySuccess } from '@/utils/feedback'

const toasts = () => [...document.querySelectorAll('.el-message')].filter((m) => (m as HTMLElement).style.display !== 'none')

afterEach(() => {
  document.body.innerHTML = ''
})

describe('toasts', () => {
  it('replace each other: an old error does not stay beside a later success', async () => {
    setLocale('zh-CN')
    notifyError(new ApiError(500, 'internal', 'boom'))
    await vi.waitFor(() => expect(toasts().map((m) => m.textContent)).toEqual(['服务器出错了，请稍后再试。']))
    notifySuccess('已保存')
    await vi.waitFor(() => expect(toasts().map((m) => m.textContent)).toEqual(['已保存']), { timeout: 2000 })
    notifyError(new ApiError(0, 'network', 'offline'))
    await vi.waitFor(() => expect(toasts().map((m) => m.textContent)).toEqual(['网络连接失败，请检查网络后重试。']), { timeout: 2000 })
  })
})
