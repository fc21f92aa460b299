export { renderWecom } from './render-wecom.js';
export type { WecomRenderOptions } from './render-wecom.js';
export { WECOM_MARKDOWN_STYLE, safeWecomMarkdown } from './wecom-style.js';
