import { signatureFields } from '../shared/widgetProtocol.js';
import { postSnapshot } from './formSnapshot.js';
import { findApproval, readJob } from './pageDocument.js';
import { showNotice } from './pageNotice.js';
import { guardOpener } from './popupGuard.js';
import { canCarry, withFields } from './requestBody.js';
import { ruleFromAttributes } from './ruleAttributes.js';
import { dimTab, listenForDim } from './tabDimmer.js';

// The widget's page-side helpers (/widget/page.js): loaded beside the dialog frame, so the loader
// that every approve screen runs stays within its 3 KB. They reach the loader that asked for them
// through an event on their own script element.

export const pageHelpers = { findApproval, readJob, postSnapshot, signatureFields, guardOpener, canCarry, withFields, ruleFromAttributes, dimTab, listenForDim, showNotice };
export type PageHelpers = typeof pageHelpers;

document.currentScript?.dispatchEvent(new CustomEvent('roamsign:helpers', { detail: pageHelpers }));
