// Open notebooks, one tab each: every tab has its own notebook store (document, undo, runtime) and kernel store.
// The active tab's stores are what `useNotebook` and `useKernel` give; background tabs keep running and saving.
import { create } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { createKernelStore, useKernel, type KernelState } from './kernel.ts';
import { createNotebookStore, useNotebook, type NotebookStore } from './notebook.ts';

export interface Tab {
  id: string;
  notebook: StoreApi<NotebookStore>;
  kernel: StoreApi<KernelState>;
}

interface TabsState {
  tabs: Tab[];
  active: string;
}

const first: Tab = { id: 'tab-1', notebook: useNotebook.current(), kernel: useKernel.current() };
let made = 1;

export const useTabs = create<TabsState>(() => ({ tabs: [first], active: first.id }));

export function activeTab(): Tab {
  const { tabs, active } = useTabs.getState();
  return tabs.find((t) => t.id === active) ?? tabs[0]!;
}

export function allTabs(): Tab[] {
  return useTabs.getState().tabs;
}

export function activateTab(id: string): void {
  const tab = useTabs.getState().tabs.find((t) => t.id === id);
  if (!tab) return;
  useNotebook.activate(tab.notebook);
  useKernel.activate(tab.kernel);
  useTabs.setState({ active: id });
}

/** A new empty tab after the active one, made active. */
export function addTab(): Tab {
  const tab: Tab = { id: `tab-${++made}`, notebook: createNotebookStore(), kernel: createKernelStore(useKernel.getState()) };
  const { tabs, active } = useTabs.getState();
  const at = tabs.findIndex((t) => t.id === active) + 1;
  useTabs.setState({ tabs: [...tabs.slice(0, at), tab, ...tabs.slice(at)] });
  activateTab(tab.id);
  return tab;
}

/** Removes a tab (the caller has dealt with its file and kernel); the neighbour becomes active; never the last one. */
export function removeTab(id: string): void {
  const { tabs, active } = useTabs.getState();
  const i = tabs.findIndex((t) => t.id === id);
  if (i < 0 || tabs.length === 1) return;
  const left = tabs.filter((t) => t.id !== id);
  useTabs.setState({ tabs: left });
  if (active === id) activateTab(left[Math.min(i, left.length - 1)]!.id);
}

export function tabOfKernel(kernelId: string): Tab | undefined {
  return allTabs().find((t) => t.kernel.getState().kernelId === kernelId);
}

export function tabOfPath(path: string): Tab | undefined {
  return allTabs().find((t) => t.notebook.getState().path === path);
}

/** A tab nobody has used: no file, no edits, no kernel (opening a file may take it over). */
export function isBlank(tab: Tab): boolean {
  const nb = tab.notebook.getState();
  return !nb.path && !nb.dirty && !tab.kernel.getState().kernelId;
}
