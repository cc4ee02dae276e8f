// What every CodeMirror editor on the site adds for accessibility (axe-core checks it in
// tests/browser/test_accessibility.py): a name for screen readers, a tab stop so that keyboards
// reach and scroll the code even when it is read-only, and a dark theme whose text meets WCAG AA
// contrast (4.5:1) on the editor's background and its active line.
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorView } from "@codemirror/view";
import { oneDarkTheme } from "@codemirror/theme-one-dark";
import { tags as t } from "@lezer/highlight";

// One Dark's palette, with the three colours that fell short brightened: its coral (4.1:1 on the
// active line), violet (4.4:1) and stone, for comments and line numbers (3.6:1).
const coral = "#ee858d", violet = "#d08ae6", stone = "#9da5b4";
const chalky = "#e5c07b", cyan = "#56b6c2", ivory = "#abb2bf", malibu = "#61afef", sage = "#98c379";
const whiskey = "#d19a66";

const darkHighlightStyle = HighlightStyle.define([
  { tag: t.keyword, color: violet },
  { tag: [t.name, t.deleted, t.character, t.propertyName, t.macroName], color: coral },
  { tag: [t.function(t.variableName), t.labelName], color: malibu },
  { tag: [t.color, t.constant(t.name), t.standard(t.name)], color: whiskey },
  { tag: [t.definition(t.name), t.separator], color: ivory },
  { tag: [t.typeName, t.className, t.number, t.changed, t.annotation, t.modifier, t.self, t.namespace], color: chalky },
  { tag: [t.operator, t.operatorKeyword, t.url, t.escape, t.regexp, t.link, t.special(t.string)], color: cyan },
  { tag: [t.meta, t.comment], color: stone },
  { tag: t.strong, fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: t.link, color: stone, textDecoration: "underline" },
  { tag: t.heading, fontWeight: "bold", color: coral },
  { tag: [t.atom, t.bool, t.special(t.variableName)], color: whiskey },
  { tag: [t.processingInstruction, t.string, t.inserted], color: sage },
  { tag: t.invalid, color: "#ffffff" },
]);

const accessibleDark = [
  oneDarkTheme,
  syntaxHighlighting(darkHighlightStyle),
  // Line numbers: set on the elements themselves, so that One Dark's rule on .cm-gutters (as
  // specific as ours) cannot win by the order of the style sheets.
  EditorView.theme({ ".cm-gutters .cm-gutterElement": { color: stone } }, { dark: true }),
];

// CodeMirror's placeholder grey (#888) is 3.5:1 on white and 3.7:1 on One Dark's active line.
const placeholderLight = EditorView.theme({ ".cm-placeholder": { color: "#5f6b7a" } });
const placeholderDark = EditorView.theme({ ".cm-placeholder": { color: stone } }, { dark: true });

export function editorAccessibility(label, { dark }) {
  return [
    EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
    ...(dark ? [...accessibleDark, placeholderDark] : [placeholderLight]),
  ];
}
