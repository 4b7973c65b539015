import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { widgetAssets } from '../server/widget/bundle.js';

// `npm run build`: writes the widget bundles to dist/widget and prints their gzipped sizes.
const out = path.resolve('dist/widget');
fs.mkdirSync(out, { recursive: true });
const { loader, frame, page } = await widgetAssets();
fs.writeFileSync(path.join(out, 'widget.js'), loader);
fs.writeFileSync(path.join(out, 'page.js'), page);
fs.writeFileSync(path.join(out, 'frame.js'), frame);
const kb = (s: string) => `${(gzipSync(s).length / 1024).toFixed(1)} KB gz (${(s.length / 1024).toFixed(1)} KB)`;
console.log(`dist/widget/widget.js  ${kb(loader)}  (budget 3 KB gz)`);
console.log(`dist/widget/page.js    ${kb(page)}  (budget 4 KB gz)`);
console.log(`dist/widget/frame.js   ${kb(frame)}  (budget 20 KB gz)`);
