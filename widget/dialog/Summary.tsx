import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import { batchTotal, formatAmount } from '../../shared/money.js';
import type { ShownField } from '../../shared/shownDocument.js';
import type { SignDocument } from '../../shared/widgetProtocol.js';

/** One document's signed fields by label, amount and payee first. */
function Fields(props: { rows: ShownField[]; id?: string; labelledBy?: string }) {
  return (
    <dl class="fields" id={props.id} tabIndex={props.id ? 0 : undefined} aria-labelledby={props.labelledBy}>
      {props.rows.map((f) => (
        <>
          <dt>{f.label}</dt>
          <dd data-field={f.name}>{f.value}</dd>
        </>
      ))}
    </dl>
  );
}

/**
 * What is being signed, and for which site: the officer checks this before typing the PIN. A
 * document read from the page lists every signed field by its label (amount and payee first); a
 * batch (kelulusan pukal) lists every selected document that way, with their total.
 */
export function Summary(props: { lang: Lang; documents: SignDocument[]; shown: ShownField[][] | null; pageOrigin: string; verificationCode: string | null }) {
  const { lang, documents, shown } = props;
  const first = documents[0];
  const total = batchTotal(documents.map((d) => d.summary)) ?? '—';
  return (
    <>
      <dl class="summary">
        {first?.summary?.title && shown && (
          <>
            <dt>{t(lang, 'widget.documentType')}</dt>
            <dd id="rs-doc-title">{first.summary.title}</dd>
          </>
        )}
        {documents.length !== 1 || !first ? (
          <>
            <dt>{t(lang, 'widget.document')}</dt>
            <dd id="rs-doc-id">{t(lang, 'widget.batch', { count: documents.length, total })}</dd>
          </>
        ) : (
          <>
            <dt>{t(lang, 'widget.document')}</dt>
            <dd id="rs-doc-id">{first.id}</dd>
            {!shown && first.summary?.amount && (
              <>
                <dt>{t(lang, 'widget.amount')}</dt>
                <dd id="rs-doc-amount">{formatAmount(first.summary.amount, first.summary.currency)}</dd>
              </>
            )}
            {!shown && first.summary?.payee && (
              <>
                <dt>{t(lang, 'widget.payee')}</dt>
                <dd>{first.summary.payee}</dd>
              </>
            )}
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
      {shown?.length === 1 && (
        <section aria-labelledby="rs-fields-title">
          <h2 id="rs-fields-title">{t(lang, 'widget.fields')}</h2>
          <Fields rows={shown[0]!} id="rs-fields" labelledBy="rs-fields-title" />
        </section>
      )}
      {shown && shown.length > 1 && (
        <section aria-labelledby="rs-docs-title">
          <h2 id="rs-docs-title">{t(lang, 'widget.documents', { count: shown.length })}</h2>
          <ol class="docs" id="rs-docs" tabIndex={0} aria-labelledby="rs-docs-title">
            {shown.map((rows, i) => (
              <li key={documents[i]!.id} data-document={documents[i]!.id}>
                <Fields rows={rows} />
              </li>
            ))}
          </ol>
          <p class="total">
            {t(lang, 'widget.total')}: <strong id="rs-total">{total}</strong>
          </p>
        </section>
      )}
    </>
  );
}
