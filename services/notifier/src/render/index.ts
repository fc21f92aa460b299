export { renderDingtalk, orderIncidents, DEFAULT_MAX_BODY_BYTES } from './render.js';
export type { RenderOptions } from './render.js';
export { REASON_PHRASES, reasonPhrase } from './reasons.js';
export type { Locale } from './strings.js';
export { fillTemplate } from './template.js';
export {
  cleanText,
  escapeMarkdown,
  neutralizeMentions,
  safeMarkdown,
  safePlain,
  truncateChars,
} from './escape.js';
export { localTime } from './time-format.js';
