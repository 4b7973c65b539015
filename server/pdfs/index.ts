export type { PdfCaller, PdfDeps } from './deps.js';
export { padesProfiles } from './padesProfiles.js';
export { preparePdf } from './preparePdf.js';
export { prepareNextSignature } from './prepareNextSignature.js';
export { preparedBytes, readPdf } from './readPdf.js';
export { signedPdf } from './signedPdf.js';
export { verifyPdf, verifyStoredPdf } from './verifyPdf.js';
