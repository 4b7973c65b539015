import { text, type Lang } from './text.js';
import type { Notice } from './types.js';

/** The notice: an error is an alert, anything else a status, each announced when it appears. */
export function NoticeBanner(props: { lang: Lang; notice: Notice }) {
  const { notice } = props;
  return (
    <div class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} id="notice">
      {'key' in notice ? text(props.lang, notice.key) : notice.raw}
    </div>
  );
}
