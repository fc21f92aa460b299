// Platform-neutral drafting: what a message says. Each receiver's folder owns how it looks.
export { renderNotification, orderIncidents } from './render.js';
export type { RenderSpec } from './render.js';
export { MARKDOWN_STYLE, TEXT_STYLE } from './style.js';
export type { Style } from './style.js';
export { REASON_PHRASES, reasonPhrase } from './reasons.js';
export type { Locale, RateBudget } from './strings.js';
export { fillTemplate } from './template.js';
export {
  breakLinks,
  cleanText,
  escapeMarkdown,
  neutralizeMentions,
  oneLine,
  safeMarkdown,
  safePlain,
  truncateChars,
} from './escape.js';
export { localTime } from './time-format.js';
