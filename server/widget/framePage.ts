import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScreenRule } from '../../shared/siteRules.js';

const DIALOG_CSS = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../widget/dialog/dialog.css'), 'utf8');

/** JSON inside a <script type="application/json"> block: nothing in it can end the block. */
function jsonBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * The HTML shell of the signing dialog; its styles are inline so the frame needs one script
 * request. It carries the system's screen rules, which the dialog hands to the page's loader.
 */
export function framePage(lang: 'ms' | 'en', screens: ScreenRule[]): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RoamSign</title>
<style>
${DIALOG_CSS}
</style>
<script type="application/json" id="rs-screens">${jsonBlock(screens)}</script>
<script src="/widget/frame.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>`;
}
