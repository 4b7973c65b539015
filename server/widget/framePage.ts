/** The HTML shell of the signing dialog; its styles are inline so the frame needs one script request. */
export function framePage(lang: 'ms' | 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RoamSign</title>
<style>
html,body{margin:0;background:transparent;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b}
.backdrop{position:fixed;inset:0;background:rgba(20,24,32,.55);display:flex;align-items:center;justify-content:center;padding:1rem}
.dialog{background:#fff;border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.35);width:100%;max-width:26rem;padding:1.25rem 1.5rem;max-height:100%;overflow:auto}
h1{font-size:1.25rem;margin:0 0 .75rem;color:#0b3d6e}
.summary{display:grid;grid-template-columns:auto 1fr;gap:.2rem .75rem;margin:0 0 .75rem;padding:.6rem .75rem;background:#f2f5f9;border-radius:6px;font-size:.93rem}
.summary dt{color:#4a5565}.summary dd{margin:0;font-weight:600;word-break:break-all}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.15rem;letter-spacing:.2em}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input{font:inherit;font-size:1.2rem;letter-spacing:.15em;width:100%;box-sizing:border-box;padding:.5rem .6rem;border:2px solid #8a94a3;border-radius:6px}
input:focus{outline:3px solid #f2a900;outline-offset:1px;border-color:#0b3d6e}
.countdown{font-variant-numeric:tabular-nums;color:#4a5565;margin:.25rem 0}
.error{color:#b00020;font-weight:600;min-height:1.2em;margin:.5rem 0 0}
.info{color:#0b3d6e;margin:.4rem 0 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
button{font:inherit;padding:.55rem 1rem;border-radius:6px;border:2px solid #0b3d6e;background:#fff;color:#0b3d6e;cursor:pointer}
button.primary{background:#0b3d6e;color:#fff}
button:disabled{opacity:.5;cursor:default}
button:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
@media (max-height:640px){.backdrop{padding:.4rem}.dialog{padding:.7rem 1rem}h1{font-size:1.05rem;margin-bottom:.4rem}.summary{font-size:.82rem;padding:.4rem .6rem;margin-bottom:.4rem}label{margin:.35rem 0 .1rem}input{padding:.3rem .5rem;font-size:1.05rem}#rs-sent,.countdown{margin:.2rem 0;font-size:.9rem}.actions{margin-top:.5rem}button{padding:.4rem .8rem}}
.success .big{font-size:1.3rem;color:#1e7b34;font-weight:700;margin:.5rem 0}
</style>
<script src="/widget/frame.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>`;
}
