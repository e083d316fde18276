// The Tema switch's choice, applied in <head> before the first paint, so a console pinned to
// Oscuro never flashes white (and Claro never flashes dark). A file, not an inline script: the
// Content-Security-Policy allows scripts from 'self' only. It cannot import THEME_KEY from
// console/stores/theme.ts; console/stores/theme.test.ts runs this file against what the store writes.
try {
  var tema = localStorage.getItem('puente.tema');
  if (tema === 'claro' || tema === 'oscuro') document.documentElement.setAttribute('data-tema', tema);
} catch (blocked) {
  // Storage refused (privacy settings): the console follows the system.
}
