// The rules of a new password, as registering and a reset ask it: the server's length (10 to
// 128 characters, whose own refusal shows on the field too) and the same password twice.
import type { FormItemRule } from 'element-plus'

type Translate = (key: string) => string

/** The `password` and `confirm` rules of a form whose model holds both. */
export function newPasswordRules(form: { password: string }, t: Translate): { password: FormItemRule[]; confirm: FormItemRule[] } {
  return {
    password: [
      { required: true, message: () => t('auth.login.passwordRequired'), trigger: 'blur' },
      { min: 10, max: 128, message: () => t('auth.register.passwordTooShort'), trigger: 'blur' },
    ],
    confirm: [
      {
        validator: (_rule, value, done) =>
          value === form.password ? done() : done(new Error(t('auth.register.passwordMismatch'))),
        trigger: 'blur',
      },
    ],
  }
}
