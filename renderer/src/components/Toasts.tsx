// Transient messages (errors stay longer).
import { useUi } from '../stores/ui.ts';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" role="status">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-testid={`toast-${t.kind}`} onClick={() => useUi.getState().dismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
