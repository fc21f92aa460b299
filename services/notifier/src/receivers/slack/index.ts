import { defineReceiver } from '../schema.js';
import { createSlackReceiver } from './receiver.js';
import { slackReceiverSchema, validateSlackWebhook } from './schema.js';

/** `type: slack`: a Slack incoming webhook (registry entry). */
export const slackReceiver = defineReceiver({
  type: 'slack',
  schema: slackReceiverSchema,
  create: createSlackReceiver,
  validateWebhookUrl: validateSlackWebhook,
});

export { createSlackReceiver, SLACK_RATE_PER_SECOND } from './receiver.js';
export { slackReceiverSchema, validateSlackWebhook } from './schema.js';
export type { SlackReceiverConfig } from './schema.js';
export {
  renderSlack,
  sectionChunks,
  SLACK_STYLE,
  safeSlack,
  DEFAULT_SLACK_MAX_BODY_BYTES,
} from './render/index.js';
export type { SlackRenderOptions } from './render/index.js';
