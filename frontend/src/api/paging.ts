// Lists come a page at a time, `{items, total, page, per_page}`: 1 to 100 items a page, read at
// most 10,000 items deep (the server answers `page_too_deep` beyond).
export interface Page<T> {
  items: T[]
  total: number
  page: number
  per_page: number
}

export const MAX_PER_PAGE = 100
export const MAX_DEPTH = 10_000

export type PageFetch<T> = (page: number, perPage: number) => Promise<Page<T>>

/** Every item of a list, 100 a page, as deep as the server reads: for choosers and work queues that need them all. */
export async function allPages<T>(fetch: PageFetch<T>): Promise<T[]> {
  const items: T[] = []
  for (let page = 1; page * MAX_PER_PAGE <= MAX_DEPTH; page++) {
    const answer = await fetch(page, MAX_PER_PAGE)
    items.push(...answer.items)
    if (answer.items.length === 0 || page * MAX_PER_PAGE >= answer.total) break
  }
  return items
}
