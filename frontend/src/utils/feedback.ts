// Toasts and confirmations. Element Plus's services are not components, so the on-demand
// resolver does not bring their styles: they are imported here, once. One toast at a time: a
// new one replaces the one shown (an old error does not stay beside a later success).
import { ElMessage, ElMessageBox, type MessageHandler } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { ApiError } from '@/api/client'
import { errorMessage, i18n } from '@/locales'

let shown: MessageHandler | null = null

/** Shows a toast in place of the one shown. */
function toast(options: { type: 'success' | 'error'; message: string; duration?: number }) {
  shown?.close()
  const forget = () => {
    if (shown === handler) shown = null
  }
  const handler = ElMessage({ ...options, showClose: true, onClose: forget })
  shown = handler
}

export function notifySuccess(message: string) {
  toast({ type: 'success', message })
}

export function notifyError(e: unknown) {
  const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
  toast({ type: 'error', message: errorMessage(error.code, error.message, error.details), duration: 6000 })
}

/** Asks before a step that cannot be undone; resolves to whether the user agreed. */
export async function confirmAction(message: string, title: string): Promise<boolean> {
  const t = (i18n.global as unknown as { t: (key: string) => string }).t
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: t('common.action.confirm'),
      cancelButtonText: t('common.action.cancel'),
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}
