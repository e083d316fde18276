// whatsapp-web.js pulls in puppeteer; its postinstall would download Chrome, which this
// network cannot reach. The driver uses the system Chromium (CHROME_PATH or /usr/bin/chromium).
module.exports = { skipDownload: true };
