// Chromium comes from Debian (apt-get install chromium); never download a browser.
module.exports = { skipDownload: true };
