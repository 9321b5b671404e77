// What the 关注 buttons and 我的关注 read off a follow, in one place.
import type { LocationQuery } from 'vue-router'
import type { Follow, FollowKind } from '@/api/follows'
import { i18n } from '@/locales'

type Translate = { t(key: string): string; te(key: string): boolean }

/**
 * A follow's name in the reader's language: a category by its own label (the API words it in
 * Chinese), a region, pairing or organisation by the name the API gives (proper names), and
 * something no longer on record as such.
 */
export function followName(follow: Pick<Follow, 'target_kind' | 'target' | 'label'>): string {
  const { t, te } = i18n.global as unknown as Translate
  if (follow.target_kind === 'category') {
    const key = `domain.category.${follow.target}`
    if (te(key)) return t(key)
  }
  return follow.label || t('follows.gone')
}

/** Where a follow's needs are seen: the hall narrowed to its region or category, the pairing's or organisation's page. */
export function followLink(follow: Pick<Follow, 'target_kind' | 'target'>): string {
  switch (follow.target_kind) {
    case 'region':
      return `/needs?region=${encodeURIComponent(follow.target)}`
    case 'category':
      return `/needs?category=${encodeURIComponent(follow.target)}`
    case 'pairing':
      return `/pairings/${encodeURIComponent(follow.target)}`
    case 'organisation':
      return `/organisations/${encodeURIComponent(follow.target)}`
  }
}

/**
 * The query parameter that brings a visitor back from signing in to the 关注 button they
 * clicked (`?follow=region:441426`), as `?pledge=1` brings them back to the pledge dialog.
 */
export const FOLLOW_PARAM = 'follow'

export function followParam(kind: FollowKind, target: string): string {
  return `${kind}:${target}`
}

/** Whether a route's query asks the button of (kind, target) to open. */
export function asksFor(query: LocationQuery, kind: FollowKind, target: string): boolean {
  return query[FOLLOW_PARAM] === followParam(kind, target)
}
