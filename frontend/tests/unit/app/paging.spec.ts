import { describe, expect, it } from 'vitest'
import { allPages, type Page } from '@/api/paging'

/** A list of `total` numbered items, served a page at a time; the pages asked for. */
function server(total: number) {
  const asked: number[] = []
  const fetch = async (page: number, perPage: number): Promise<Page<number>> => {
    asked.push(page)
    const start = (page - 1) * perPage
    const items = Array.from({ length: Math.max(0, Math.min(perPage, total - start)) }, (_, i) => start + i)
    return { items, total, page, per_page: perPage }
  }
  return { fetch, asked }
}

describe('reading every page of a list', () => {
  it('reads pages of 100 until it has them all, losing none at a page’s edge', async () => {
    const { fetch, asked } = server(250)
    const items = await allPages(fetch)
    expect(items).toEqual(Array.from({ length: 250 }, (_, i) => i))
    expect(asked).toEqual([1, 2, 3])
  })

  it('asks once for an empty list, and never deeper than the server reads', async () => {
    const empty = server(0)
    expect(await allPages(empty.fetch)).toEqual([])
    expect(empty.asked).toEqual([1])
    const huge = server(50_000)
    expect(await allPages(huge.fetch)).toHaveLength(10_000)
    expect(huge.asked.at(-1)).toBe(100)
  })
})
