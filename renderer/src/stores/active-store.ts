// A facade over whichever of several stores is active (the active tab's): components re-render when another store
// becomes active, and subscribers follow the switch, hearing (new store's state, old store's state) once.
import { useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';

export interface ActiveFacade<S> {
  <T>(selector: (s: S) => T): T;
  getState(): S;
  setState: StoreApi<S>['setState'];
  subscribe(listener: (s: S, prev: S) => void): () => void;
  /** The store now active. */
  current(): StoreApi<S>;
  activate(store: StoreApi<S>): void;
}

export function activeFacade<S>(initial: StoreApi<S>): ActiveFacade<S> {
  let store = initial;
  const switchListeners = new Set<() => void>();
  const listeners = new Set<(s: S, prev: S) => void>();
  const relay = (s: S, prev: S) => listeners.forEach((l) => l(s, prev));
  let unsubStore = store.subscribe(relay);
  const subscribeSwitch = (l: () => void) => {
    switchListeners.add(l);
    return () => void switchListeners.delete(l);
  };
  function useActive<T>(selector: (s: S) => T): T {
    const active = useSyncExternalStore(subscribeSwitch, () => store);
    return useStore(active, selector);
  }
  const setState = ((...args: unknown[]) => (store.setState as (...a: unknown[]) => void)(...args)) as StoreApi<S>['setState'];
  return Object.assign(useActive, {
    getState: () => store.getState(),
    setState,
    subscribe(listener: (s: S, prev: S) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    current: () => store,
    activate(next: StoreApi<S>) {
      if (next === store) return;
      const prev = store.getState();
      unsubStore();
      store = next;
      unsubStore = store.subscribe(relay);
      switchListeners.forEach((l) => l());
      relay(store.getState(), prev);
    },
  });
}
