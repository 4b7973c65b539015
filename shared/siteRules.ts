import type { SystemId } from './systems.js';

/**
 * How RoamSign finds, on one legacy screen, the approve controls, the officer and the document.
 * One format for the widget (from the server or its data-* attributes), the extension (defaults,
 * options page, managed policy) and the server's registry; validated by
 * shared/schemas/systemRules.ts.
 */
export interface ScreenRule {
  /** URL match patterns of the screen (shared/matchPattern.ts). */
  matches: string[];
  /** CSS selector of the approve controls (Sah / Peraku / Lulus buttons, links, image buttons). */
  buttons: string;
  /** CSS selector of the element holding the officer's MyKad number (looked up in the container, then the page, then its other frames). */
  officer: string;
  /** CSS selector of the area the document is read from, closest to the clicked control; default: its form, else its row, fieldset or section. */
  container?: string;
  /** The signed fields: canonical name -> CSS selector inside the container (input value, else element text). */
  fields: Record<string, string>;
  /** What the dialog calls each field (the screen's own label); the name when absent. */
  labels?: Record<string, string>;
  /** Which field is the document number, the amount and the payee. */
  idField: string;
  amountField?: string;
  payeeField?: string;
  /** What the dialog calls the document. */
  title?: string;
  /**
   * Batch approval (kelulusan pukal, issue 18): the approve control signs every selected row.
   * `rows`: CSS selector of one document's row, looked up in the control's container (the rule's
   * `container`, else the control's form, else the page); `selected`: CSS selector that marks a
   * row as chosen, matched by the row itself or by something inside it (a ticked box). The fields
   * are read inside each selected row.
   */
  batch?: BatchRule;
}

/** Which rows a batch approve control signs (ScreenRule.batch). */
export interface BatchRule {
  rows: string;
  selected: string;
}

/** A legacy system: its names, the browser origins that may ask for its signatures, and its screens. */
export interface SystemDefinition {
  id: SystemId;
  names: { ms: string; en: string };
  allowedOrigins: string[];
  screens: ScreenRule[];
}

/** The rule's fields that name other fields. */
export const FIELD_REFERENCES = ['idField', 'amountField', 'payeeField'] as const;
