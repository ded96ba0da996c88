/** Learner state kept in localStorage: edited snippets and progress. It survives reloads and runner restarts. */

const EDIT_PREFIX = "offset:edit:";
const PROGRESS_KEY = "offset:progress";

export function loadEdit(snippetId: string): string | undefined {
  try {
    return localStorage.getItem(EDIT_PREFIX + snippetId) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Saves an edit; saving the original text removes the entry so "modified" stays truthful. */
export function saveEdit(snippetId: string, code: string, original: string): void {
  try {
    if (code === original) localStorage.removeItem(EDIT_PREFIX + snippetId);
    else localStorage.setItem(EDIT_PREFIX + snippetId, code);
  } catch {
    // Storage full or disabled: the edit still lives in the page.
  }
}

export interface Progress {
  /** Snippet ids that ran to "ok" at least once. */
  ran: string[];
  /** Exercise ids whose check passed. */
  passed: string[];
}

export function loadProgress(): Progress {
  try {
    const parsed = JSON.parse(localStorage.getItem(PROGRESS_KEY) ?? "{}") as Partial<Progress>;
    return { ran: parsed.ran ?? [], passed: parsed.passed ?? [] };
  } catch {
    return { ran: [], passed: [] };
  }
}

export function recordProgress(kind: keyof Progress, id: string): void {
  const progress = loadProgress();
  if (progress[kind].includes(id)) return;
  progress[kind].push(id);
  try {
    localStorage.setItem(PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    // Ignore: progress is a convenience.
  }
  window.dispatchEvent(new CustomEvent("offset:progress"));
}
