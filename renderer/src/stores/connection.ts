// Whether this tab reaches the GDS service, and since when it has not (shown in the offline banner).
import { create } from 'zustand';

interface ConnectionState {
  online: boolean;
  offlineSince: number | null;
  /** Set after the service came back and this tab sent it the edits it kept meanwhile. */
  replayedAt: number | null;
  set(p: Partial<Omit<ConnectionState, 'set'>>): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  online: true, offlineSince: null, replayedAt: null,
  set: (p) => set(p),
}));
