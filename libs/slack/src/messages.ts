/** A text object of Block Kit. */
export interface SlackPlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

/** A mrkdwn text object of Block Kit. */
export interface SlackMrkdwnText {
  readonly type: 'mrkdwn';
  readonly text: string;
  /** When true, URLs and names in the text are not auto-linked (`<…>` sequences still are). */
  readonly verbatim?: boolean;
}

/** The blocks kube-herald sends. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackPlainText }
  | { readonly type: 'section'; readonly text: SlackPlainText | SlackMrkdwnText }
  | { readonly type: 'context'; readonly elements: readonly (SlackPlainText | SlackMrkdwnText)[] }
  | { readonly type: 'divider' };

/**
 * The body of an incoming-webhook POST. `text` is the notification and fallback text (mrkdwn) and is
 * always set; `blocks` is what the channel shows when present.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
  readonly unfurl_links?: boolean;
  readonly unfurl_media?: boolean;
}
