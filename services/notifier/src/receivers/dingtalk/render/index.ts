export { renderDingtalk, DEFAULT_MAX_BODY_BYTES } from './render-dingtalk.js';
export type { RenderOptions } from './render-dingtalk.js';
