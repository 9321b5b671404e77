import { describe, expect, it } from 'vitest'
import { idCardProblem } from '@/views/cadre/idCard'

describe('idCardProblem', () => {
  it('accepts numbers whose check character matches, X in either case', () => {
    expect(idCardProblem('11010519491231002X')).toBeNull()
    expect(idCardProblem('11010519491231002x')).toBeNull()
    expect(idCardProblem(' 440524188001010014 ')).toBeNull()
  })

  it('tells a mistyped digit from a malformed number', () => {
    expect(idCardProblem('110105194912310021')).toBe('checksum')
    expect(idCardProblem('11010519491231002')).toBe('format')
    expect(idCardProblem('1101051949123100XX')).toBe('format')
  })
})
