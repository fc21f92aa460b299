/**
 * Message bodies of the DingTalk custom robot API. Field casing follows the real API exactly
 * (`messageUrl` in link, `messageURL` in feedCard, `singleURL`, `actionURL`).
 */

/** Who to mention. The `@mobile` / `@userId` text must also appear in the content, or nobody is notified. */
export interface DingtalkAt {
  readonly atMobiles?: readonly string[];
  readonly atUserIds?: readonly string[];
  readonly isAtAll?: boolean;
}

/** Plain text message. */
export interface DingtalkTextMessage {
  readonly msgtype: 'text';
  readonly text: { readonly content: string };
  readonly at?: DingtalkAt;
}

/** Markdown message; `title` shows only in the chat list and push preview. */
export interface DingtalkMarkdownMessage {
  readonly msgtype: 'markdown';
  readonly markdown: { readonly title: string; readonly text: string };
  readonly at?: DingtalkAt;
}

/** Link card. */
export interface DingtalkLinkMessage {
  readonly msgtype: 'link';
  readonly link: {
    readonly title: string;
    readonly text: string;
    readonly messageUrl: string;
    readonly picUrl?: string;
  };
}

/** A button of an action card. */
export interface DingtalkActionCardButton {
  readonly title: string;
  readonly actionURL: string;
}

/** Action card, either with one button (`singleTitle`/`singleURL`) or several (`btns`). */
export interface DingtalkActionCardMessage {
  readonly msgtype: 'actionCard';
  readonly actionCard: {
    readonly title: string;
    readonly text: string;
    readonly singleTitle?: string;
    readonly singleURL?: string;
    readonly btns?: readonly DingtalkActionCardButton[];
    /** '0' vertical, '1' horizontal. */
    readonly btnOrientation?: '0' | '1';
  };
}

/** One entry of a feed card. */
export interface DingtalkFeedCardLink {
  readonly title: string;
  readonly messageURL: string;
  readonly picURL?: string;
}

/** Feed card: a list of links. */
export interface DingtalkFeedCardMessage {
  readonly msgtype: 'feedCard';
  readonly feedCard: { readonly links: readonly DingtalkFeedCardLink[] };
}

/** Any message body the custom robot accepts. */
export type DingtalkMessage =
  | DingtalkTextMessage
  | DingtalkMarkdownMessage
  | DingtalkLinkMessage
  | DingtalkActionCardMessage
  | DingtalkFeedCardMessage;

/** The `msgtype` values the custom robot accepts. */
export const DINGTALK_MSGTYPES = ['text', 'markdown', 'link', 'actionCard', 'feedCard'] as const;

/** One of {@link DINGTALK_MSGTYPES}. */
export type DingtalkMsgtype = (typeof DINGTALK_MSGTYPES)[number];
