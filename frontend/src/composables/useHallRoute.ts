// The route ⇄ search sync of a search hall (needs, offers, products). In each hall the route's
// query is the search: every change the user makes is a navigation, and every navigation runs
// the search. The hall brings its own conversions (stores/search, offerSearch, productSearch);
// this keeps the words box in step with the route and turns the user's changes into navigations.
import { ref, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'

/** What a hall's store offers the sync: the search it shows, and a way to run another. */
export interface HallSearch<Q> {
  readonly query: Q
  load(query: Q): Promise<unknown>
}

/** A hall's own part: its route's name, its store, and its query's conversions. */
export interface HallRoute<Q extends { q: string }, A extends unknown[]> {
  name: string
  search: HallSearch<Q>
  /** The search a route's query describes. */
  fromRoute(query: LocationQuery): Q
  /** The route query of a search. */
  toRoute(query: Q): LocationQueryRaw
  /** The search after a change (back at page 1 unless the change is the page). */
  change(query: Q, patch: Partial<Q>): Q
  /** The search with a facet's value ticked or not; what names the value is the hall's own. */
  toggle(query: Q, ...args: A): Q
  /** The search with nothing chosen. */
  empty(): Q
}

export function useHallRoute<Q extends { q: string }, A extends unknown[]>(hall: HallRoute<Q, A>) {
  const route = useRoute()
  const router = useRouter()
  /** The words box: what the route searches for, until the user types. */
  const words = ref('')

  watch(
    () => route.query,
    (query) => {
      // Leaving the hall changes the route before this view is gone: that is no search.
      if (route.name !== hall.name) return
      const next = hall.fromRoute(query)
      words.value = next.q
      void hall.search.load(next)
    },
    { immediate: true },
  )

  function go(next: Q) {
    void router.push({ name: hall.name, query: hall.toRoute(next) })
  }
  function change(patch: Partial<Q>) {
    go(hall.change(hall.search.query, patch))
  }
  function toggle(...args: A) {
    go(hall.toggle(hall.search.query, ...args))
  }
  function submitWords() {
    change({ q: words.value.trim() } as Partial<Q>)
  }
  function clearAll() {
    go(hall.empty())
  }

  return { words, go, change, toggle, submitWords, clearAll }
}
