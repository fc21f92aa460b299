export { renderSlack, sectionChunks, DEFAULT_SLACK_MAX_BODY_BYTES } from './render-slack.js';
export type { SlackRenderOptions } from './render-slack.js';
export { SLACK_STYLE, safeSlack } from './slack-style.js';
