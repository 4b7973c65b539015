import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIALOG_CSS = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../widget/dialog/dialog.css'), 'utf8');

/** The HTML shell of the signing dialog; its styles are inline so the frame needs one script request. */
export function framePage(lang: 'ms' | 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RoamSign</title>
<style>
${DIALOG_CSS}
</style>
<script src="/widget/frame.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>`;
}
