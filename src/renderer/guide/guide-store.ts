/**
 * Whether the first-run guide is open. It opens once by itself, when the daemon's config says it was never
 * finished or skipped (`desktop.guide_done`, kept daemon-side so the app and every browser agree), and again
 * on the "Getting Started" command (Help menu, F1; Alt+Shift+G in a browser).
 */
import { create } from 'zustand';
import type { ConfigDto } from '../../shared/bridge.ts';

export const GUIDE_DONE_KEY = 'desktop.guide_done';

interface GuideState {
  open: boolean;
  /** The automatic check ran (it opens the guide at most once per page load). */
  checked: boolean;
}

export const useGuide = create<GuideState>(() => ({ open: false, checked: false }));

export function openGuide(): void {
  useGuide.setState({ open: true, checked: true });
}

export function closeGuide(): void {
  useGuide.setState({ open: false });
}

/** Whether a config says the guide is still due: never finished or skipped. */
export function guideDue(config: ConfigDto): boolean {
  return config.entries.find((e) => e.key === GUIDE_DONE_KEY)?.value !== true;
}

/** The first config read of this page load decides whether the guide opens by itself. */
export function checkGuide(config: ConfigDto): void {
  if (useGuide.getState().checked) return;
  useGuide.setState({ checked: true, open: guideDue(config) });
}
