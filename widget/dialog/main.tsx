import { render } from 'preact';
import { pickLang } from '../../shared/i18n/index.js';
import { App } from './App.js';

// The signing dialog, served at /widget/frame inside the page's iframe: the PIN and OTP are typed
// into this (RoamSign's) origin, out of reach of the legacy page's scripts.
const lang = pickLang(new URLSearchParams(location.search).get('lang'));
document.documentElement.lang = lang;
render(<App lang={lang} />, document.getElementById('app')!);
