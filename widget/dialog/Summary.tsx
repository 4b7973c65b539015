import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import { batchTotal, formatAmount } from '../../shared/money.js';
import type { ShownField } from '../../shared/shownDocument.js';
import type { SignDocument } from '../../shared/widgetProtocol.js';

/**
 * What is being signed, and for which site: the officer checks this before typing the PIN. A
 * document read from the page lists every signed field by its label (amount and payee first).
 */
export function Summary(props: { lang: Lang; documents: SignDocument[]; shown: ShownField[] | null; pageOrigin: string; verificationCode: string | null }) {
  const { lang, documents, shown } = props;
  const first = documents[0];
  return (
    <>
    <dl class="summary">
      {shown && first ? (
        <>
          {first.summary?.title && (
            <>
              <dt>{t(lang, 'widget.documentType')}</dt>
              <dd id="rs-doc-title">{first.summary.title}</dd>
            </>
          )}
          <dt>{t(lang, 'widget.document')}</dt>
          <dd id="rs-doc-id">{first.id}</dd>
        </>
      ) : documents.length === 1 && first ? (
        <>
          <dt>{t(lang, 'widget.document')}</dt>
          <dd id="rs-doc-id">{first.id}</dd>
          {first.summary?.amount && (
            <>
              <dt>{t(lang, 'widget.amount')}</dt>
              <dd id="rs-doc-amount">{formatAmount(first.summary.amount, first.summary.currency)}</dd>
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
      <dd id="rs-verification-code" class="code" aria-describedby="rs-verification-hint">
        {props.verificationCode ?? '····'}
      </dd>
      <dd id="rs-verification-hint" class="hint">{t(lang, 'widget.verificationHint')}</dd>
    </dl>
    {shown && (
      <section aria-labelledby="rs-fields-title">
        <h2 id="rs-fields-title">{t(lang, 'widget.fields')}</h2>
        <dl class="fields" id="rs-fields" tabIndex={0} aria-labelledby="rs-fields-title">
          {shown.map((f) => (
            <>
              <dt>{f.label}</dt>
              <dd data-field={f.name}>{f.value}</dd>
            </>
          ))}
        </dl>
      </section>
    )}
    </>
  );
}
