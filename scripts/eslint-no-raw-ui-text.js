/**
 * ESLint rule `warp/no-raw-ui-text` (issue 16): every word a user reads in the renderer goes through the
 * translations (src/renderer/i18n: `t()` / `useT()` / <Trans>), so no string may bypass them. Reported:
 *  - JSX text with a letter in it ("Save", "3 files");
 *  - a string or template with letters as a JSX child expression ({'probing…'}, {ok ? 'yes' : 'no'});
 *  - user-visible attributes given a literal with letters: title, alt, placeholder, aria-label,
 *    aria-description, and our components' label / hint / subtitle props.
 * Not reported: text inside an element marked aria-hidden (a decorative glyph or logo letter), text without letters (numbers, "·", "—", "/", "…", arrows), and the words in ALLOWED below,
 * which are the same in every language. Plain-JS files (stores, wording modules) are covered by review and the
 * catalogue tests, not by this rule: it cannot tell a user-visible string from an identifier there.
 */

/**
 * Literal on purpose, in every language: the product name, proper names of technologies, and unit symbols
 * (SI / IEC, which German and English write alike). Nothing else belongs here.
 */
const ALLOWED = new Set(['Warp', 'WebGPU', 'CPU', 'LAN', 'QR', 'B', 'KiB', 'MiB', 'GiB', 'TiB', 's', 'ms', 'min', 'h']);

const ATTRIBUTES = new Set([
  'title',
  'alt',
  'placeholder',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'label',
  'hint',
  'subtitle',
]);

/** Whether `text` holds words a person reads: a letter outside the allowed words. */
function hasWords(text) {
  return text
    .split(/[^\p{L}]+/u)
    .filter(Boolean)
    .some((w) => !ALLOWED.has(w));
}

function literalText(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked ?? '').join(' ');
  return undefined;
}

/** The string literals an expression can evaluate to directly (through ?: and && / ||). */
function shownLiterals(node) {
  if (!node) return [];
  if (node.type === 'ConditionalExpression')
    return [...shownLiterals(node.consequent), ...shownLiterals(node.alternate)];
  if (node.type === 'LogicalExpression') return [...shownLiterals(node.left), ...shownLiterals(node.right)];
  const text = literalText(node);
  return text === undefined ? [] : [{ node, text }];
}

/** Whether the text's element is aria-hidden (decorative: assistive technology and the reader skip it). */
function insideHidden(node) {
  const el = node.parent;
  if (el?.type !== 'JSXElement') return false;
  return el.openingElement.attributes.some(
    (a) =>
      a.type === 'JSXAttribute' && a.name.name === 'aria-hidden' && (a.value === null || a.value.value !== 'false'),
  );
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'user-visible text in the renderer must come from the translations (t / useT / Trans)' },
    messages: {
      text: 'Raw UI text "{{text}}": put it in src/shared/i18n (en.ts and every other catalogue) and use t().',
      attr: 'Raw text in {{attr}}="{{text}}": put it in src/shared/i18n and use t().',
    },
    schema: [],
  },
  create(context) {
    const report = (node, id, text, attr) =>
      context.report({ node, messageId: id, data: { text: text.trim().slice(0, 40), attr } });
    return {
      JSXText(node) {
        if (hasWords(node.value) && !insideHidden(node)) report(node, 'text', node.value);
      },
      JSXExpressionContainer(node) {
        const p = node.parent;
        if (p.type !== 'JSXElement' && p.type !== 'JSXFragment') return;
        for (const l of shownLiterals(node.expression)) if (hasWords(l.text)) report(l.node, 'text', l.text);
      },
      JSXAttribute(node) {
        const name = node.name.type === 'JSXIdentifier' ? node.name.name : '';
        if (!ATTRIBUTES.has(name) || !node.value) return;
        const candidates =
          node.value.type === 'JSXExpressionContainer'
            ? shownLiterals(node.value.expression)
            : [{ node: node.value, text: literalText(node.value) ?? '' }];
        for (const l of candidates) if (hasWords(l.text)) report(l.node, 'attr', l.text, name);
      },
    };
  },
};

export default { rules: { 'no-raw-ui-text': rule } };
