import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import { batchTotal } from '../../shared/money.js';
import type { SignDocument } from '../../shared/widgetProtocol.js';

/** What is being signed, and for which site: the officer checks this before typing the PIN. */
export function Summary(props: { lang: Lang; documents: SignDocument[]; pageOrigin: string; verificationCode: string | null }) {
  const { lang, documents } = props;
  const first = documents[0];
  return (
    <dl class="summary">
      {documents.length === 1 && first ? (
        <>
          <dt>{t(lang, 'widget.document')}</dt>
          <dd id="rs-doc-id">{first.id}</dd>
          {first.summary?.amount && (
            <>
              <dt>{t(lang, 'widget.amount')}</dt>
              <dd id="rs-doc-amount">{`${first.summary.currency ?? 'MYR'} ${first.summary.amount}`}</dd>
            </>
          )}
          {first.summary?.payee && (
            <>
              <dt>{t(lang, 'widget.payee')}</dt>
              <dd>{first.summary.payee}</dd>
            </>
          )}
        </>
      ) : (
        <>
          <dt>{t(lang, 'widget.document')}</dt>
          <dd id="rs-doc-id">{t(lang, 'widget.batch', { count: documents.length, total: batchTotal(documents.map((d) => d.summary)) ?? '-' })}</dd>
        </>
      )}
      <dt>{t(lang, 'widget.site')}</dt>
      <dd id="rs-site">{props.pageOrigin}</dd>
      <dt>{t(lang, 'widget.verificationCode')}</dt>
      <dd id="rs-verification-code" class="code" title={t(lang, 'widget.verificationHint')}>
        {props.verificationCode ?? '····'}
      </dd>
    </dl>
  );
}
