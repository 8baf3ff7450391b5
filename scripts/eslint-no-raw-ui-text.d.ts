/** Types of the lint rule's plugin (the rule is plain JS: eslint.config.js loads it without a build). */
import type { Rule } from 'eslint';

declare const plugin: { rules: Record<'no-raw-ui-text', Rule.RuleModule> };
export default plugin;
