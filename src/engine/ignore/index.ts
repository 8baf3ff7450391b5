/** Ignore rules: `.warpignore` files, `--exclude` patterns and presets, one matcher for every walk. */
export { DEFAULT_IGNORE, IGNORE_FILE, VERSIONS_DIR, IgnoreRules, TreeMatcher, type IgnoreSpec } from './matcher.ts';
export {
  IGNORE_PRESETS,
  PRESET_NAMES,
  checkPatterns,
  patternProblem,
  presetPatterns,
  type IgnorePreset,
} from './patterns.ts';
