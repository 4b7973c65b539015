/**
 * The DOM events between the main-world guard and the isolated content script (the one channel
 * both worlds share). Details are JSON strings, which cross worlds in every browser.
 */
export const CONFIG_EVENT = 'roamsign:guard-config';
export const HELLO_EVENT = 'roamsign:guard-hello';
export const HOLD_EVENT = 'roamsign:guard-hold';
export const RELEASE_EVENT = 'roamsign:guard-release';

/** Isolated -> main: which controls approve on this screen (nothing is held before this arrives). */
export interface GuardConfig {
  buttons: string[];
}

/**
 * Main -> isolated, dispatched on the approve control: sign this submission. `unknown`: the
 * submission's control cannot be known for certain (dispatched on its form): refuse and say so.
 */
export interface HoldDetail {
  id: number;
  carry: boolean;
  unknown?: boolean;
}
