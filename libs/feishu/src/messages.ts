/**
 * Message bodies of the Feishu / Lark custom bot (`POST /open-apis/bot/v2/hook/<token>`): `msg_type` plus
 * `content` (text, post) or `card` (interactive). Signature fields are added by the client.
 */

/** One element of a rich-text (post) line. `text` is literal; `a` a link; `at` a mention. */
export type FeishuPostElement =
  | { readonly tag: 'text'; readonly text: string }
  | { readonly tag: 'a'; readonly text: string; readonly href: string }
  | { readonly tag: 'at'; readonly user_id: string; readonly user_name?: string };

/** Plain text. Mentions are `<at user_id="ou_…"></at>` / `<at user_id="all">所有人</at>` inside the text. */
export interface FeishuTextMessage {
  readonly msg_type: 'text';
  readonly content: { readonly text: string };
}

/** Rich text: a title and lines of elements, per language (`zh_cn`, `en_us`). */
export interface FeishuPostMessage {
  readonly msg_type: 'post';
  readonly content: {
    readonly post: Readonly<
      Record<string, { readonly title: string; readonly content: readonly (readonly FeishuPostElement[])[] }>
    >;
  };
}

/** Header colour of a card. */
export type FeishuCardTemplate =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey';

/** Elements of a card this project sends: lark_md text blocks, a divider, a note. */
export type FeishuCardElement =
  | {
      readonly tag: 'div';
      readonly text: { readonly tag: 'lark_md' | 'plain_text'; readonly content: string };
    }
  | { readonly tag: 'markdown'; readonly content: string }
  | { readonly tag: 'hr' }
  | {
      readonly tag: 'note';
      readonly elements: readonly { readonly tag: 'lark_md' | 'plain_text'; readonly content: string }[];
    };

/** Interactive message card. Mentions inside lark_md: `<at id=ou_…></at>`, `<at id=all></at>`. */
export interface FeishuCardMessage {
  readonly msg_type: 'interactive';
  readonly card: {
    readonly config?: { readonly wide_screen_mode?: boolean };
    readonly header: {
      readonly title: { readonly tag: 'plain_text'; readonly content: string };
      readonly template?: FeishuCardTemplate;
    };
    readonly elements: readonly FeishuCardElement[];
  };
}

/** Any message body the custom bot accepts from this project. */
export type FeishuMessage = FeishuTextMessage | FeishuPostMessage | FeishuCardMessage;

/** The `msg_type` values this client builds. */
export const FEISHU_MSG_TYPES = ['text', 'post', 'interactive'] as const;

/** One of {@link FEISHU_MSG_TYPES}. */
export type FeishuMsgType = (typeof FEISHU_MSG_TYPES)[number];

/** Who to mention: user ids (`ou_…` open ids, or user ids) and/or everyone. */
export interface FeishuMentions {
  readonly userIds?: readonly string[];
  readonly atAll?: boolean;
}

const ID = /^[\w.-]{1,128}$/;

function mentionIds(m: FeishuMentions | undefined): string[] {
  const ids = (m?.userIds ?? []).filter((id) => ID.test(id) && id !== 'all');
  return m?.atAll === true ? ['all', ...ids] : ids;
}

/** The `<at>` tags of a text message (ids outside `[\w.-]` are dropped: they cannot be written safely). */
export function textMentions(m: FeishuMentions | undefined): string {
  return mentionIds(m)
    .map((id) => (id === 'all' ? '<at user_id="all">所有人</at>' : `<at user_id="${id}"></at>`))
    .join(' ');
}

/** The `<at>` tags of a card's lark_md. */
export function cardMentions(m: FeishuMentions | undefined): string {
  return mentionIds(m)
    .map((id) => `<at id=${id}></at>`)
    .join(' ');
}

/** The `at` elements of a post line. */
export function postMentions(m: FeishuMentions | undefined): FeishuPostElement[] {
  return mentionIds(m).map((id) => ({ tag: 'at', user_id: id }));
}

/** A text message; `text` must already be safe (see `neutralizeText`), mentions are appended. */
export function textMessage(text: string, mentions?: FeishuMentions): FeishuTextMessage {
  const at = textMentions(mentions);
  return { msg_type: 'text', content: { text: at === '' ? text : `${text}\n${at}` } };
}

/** A rich-text message in one language (default `zh_cn`); a line of mentions is appended when given. */
export function postMessage(
  title: string,
  lines: readonly (readonly FeishuPostElement[])[],
  mentions?: FeishuMentions,
  lang = 'zh_cn',
): FeishuPostMessage {
  const at = postMentions(mentions);
  return {
    msg_type: 'post',
    content: { post: { [lang]: { title, content: at.length === 0 ? lines : [...lines, at] } } },
  };
}

/** A card with a coloured header and one markdown block (plus a mentions line when given). */
export function cardMessage(
  title: string,
  markdown: string,
  options: {
    readonly template?: FeishuCardTemplate;
    readonly mentions?: FeishuMentions;
    readonly note?: string;
  } = {},
): FeishuCardMessage {
  const at = cardMentions(options.mentions);
  // The `markdown` component (not a `div` with lark_md) renders lists; `<at>` works in both.
  const elements: FeishuCardElement[] = [{ tag: 'markdown', content: markdown }];
  if (at !== '') elements.push({ tag: 'markdown', content: at });
  if (options.note !== undefined) {
    elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: options.note }] });
  }
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: title },
        ...(options.template === undefined ? {} : { template: options.template }),
      },
      elements,
    },
  };
}
