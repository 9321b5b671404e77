// Toasts and confirmations. Element Plus's services are not components, so the on-demand
// resolver does not bring their styles: they are imported here, once.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { ApiError } from '@/api/client'
import { errorMessage, i18n } from '@/locales'

export function notifySuccess(message: string) {
  ElMessage({ type: 'success', message, showClose: true })
}

export function notifyError(e: unknown) {
  const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
  ElMessage({ type: 'error', message: errorMessage(error.code, error.message, error.details), showClose: true, duration: 6000 })
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
