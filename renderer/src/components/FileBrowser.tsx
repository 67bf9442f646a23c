// The workspace file browser panel. PLACEHOLDER (issue #23).
export function FileBrowser() {
  return <p className="muted" data-testid="file-browser">The file browser is being built.</p>;
}
