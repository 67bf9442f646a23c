// Open tabs follow what the file browser does to their files: a renamed file (or folder) keeps its tab under the
// new path; a deleted one leaves its tab open without a file (autosave must not bring the file back), until undo.
import { host } from '../host.ts';
import { onFileChange } from '../stores/files.ts';
import { activeTab, allTabs, type Tab } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`) || path.startsWith(`${folder}\\`);

export function followFileChanges(): () => void {
  const orphans = new Map<string, Tab>();
  return onFileChange((change) => {
    if (change.kind === 'renamed') {
      for (const tab of allTabs()) {
        const { path } = tab.notebook.getState();
        if (path && under(path, change.from)) tab.notebook.setState({ path: change.to + path.slice(change.from.length) });
      }
    } else if (change.kind === 'trashed') {
      for (const tab of allTabs()) {
        const { path } = tab.notebook.getState();
        if (!path || !under(path, change.path)) continue;
        orphans.set(path, tab);
        tab.notebook.setState({ path: null, dirty: true });
        useUi
          .getState()
          .toast(
            'info',
            `${path.split(/[\\/]/).pop()} was moved to the trash; its tab stays open unsaved (Undo brings the file back, Save as keeps a copy).`,
          );
      }
    } else if (change.kind === 'restored') {
      for (const [path, tab] of orphans) {
        if (!under(path, change.path) || tab.notebook.getState().path !== null) continue;
        orphans.delete(path);
        tab.notebook.setState({ path });
      }
    } else return;
    const { path } = activeTab().notebook.getState();
    void host()
      .notebook.watch({ path })
      .catch(() => undefined);
  });
}
