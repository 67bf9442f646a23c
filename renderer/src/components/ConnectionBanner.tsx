// Says when this tab cannot reach the GDS service, that its edits are kept here meanwhile, and when they were sent.
import { useEffect, useState } from 'react';
import { useConnection } from '../stores/connection.ts';

export function ConnectionBanner() {
  const { online, replayedAt } = useConnection();
  const [recent, setRecent] = useState(false);
  useEffect(() => {
    if (!replayedAt) return;
    setRecent(true);
    const t = setTimeout(() => setRecent(false), 4000);
    return () => clearTimeout(t);
  }, [replayedAt]);
  if (!online) {
    return (
      <div className="banner offline" role="alert" data-testid="offline-banner">
        Offline: the GDS service is not answering. Keep working; your edits are kept in this tab and sent when it is back.
      </div>
    );
  }
  return recent ? <div className="banner online" role="status" data-testid="replayed-banner">Reconnected; your edits were sent and saved.</div> : null;
}
