/**
 * The page's inline scripts, constant text so their CSP hashes never change
 * with the data. What they need from the page they read from data-*
 * attributes (escaped like any other attribute), so no JSON is ever
 * embedded in a script.
 */

/**
 * Persona tabs and printing. Without JavaScript every persona is a stacked
 * section; this script marks <html class="js"> (CSS then shows the tab
 * strip) and shows one panel at a time. The chosen persona is remembered on
 * <html data-persona> by value, so it survives the served page swapping in
 * a fresh <main> (the event "journeys:main-replaced"). Before printing,
 * every <details> opens: closed ones would print empty.
 */
export const PAGE_SCRIPT = `(function () {
  var root = document.documentElement;
  root.classList.add('js');
  function select(panelId) {
    var tabs = document.querySelectorAll('[data-tab]');
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i].getAttribute('data-tab') === panelId;
      tabs[i].setAttribute('aria-selected', on ? 'true' : 'false');
      tabs[i].tabIndex = on ? 0 : -1;
    }
    var panels = document.querySelectorAll('[data-panel]');
    for (var j = 0; j < panels.length; j++) {
      panels[j].hidden = panels[j].id !== panelId;
      if (panels[j].id === panelId) root.setAttribute('data-persona', panels[j].getAttribute('data-persona') || '');
    }
  }
  function init() {
    var panels = document.querySelectorAll('[data-panel]');
    if (panels.length === 0) return;
    var wanted = root.getAttribute('data-persona');
    var chosen = panels[0];
    for (var i = 0; i < panels.length; i++) if (panels[i].getAttribute('data-persona') === wanted) chosen = panels[i];
    select(chosen.id);
  }
  document.addEventListener('click', function (event) {
    var tab = event.target instanceof Element ? event.target.closest('[data-tab]') : null;
    if (tab) select(tab.getAttribute('data-tab'));
  });
  document.addEventListener('keydown', function (event) {
    var tab = event.target instanceof Element ? event.target.closest('[data-tab]') : null;
    if (!tab || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[data-tab]'));
    var next = tabs[(tabs.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    select(next.getAttribute('data-tab'));
    next.focus();
    event.preventDefault();
  });
  document.addEventListener('journeys:main-replaced', init);
  window.addEventListener('beforeprint', function () {
    var all = document.querySelectorAll('details');
    for (var i = 0; i < all.length; i++) all[i].open = true;
  });
  init();
})();`;

/**
 * Served page only: every data-refresh-seconds it fetches the map's JSON
 * (data-api plus this page's own query string, same origin) and, when
 * data_until or generated_at differ from the ones <main> was rendered from,
 * fetches this same URL and swaps in its <main>. Swapping rather than
 * location.reload() keeps the scroll position, the chosen persona and the
 * form's unsubmitted input. <main> holds no scripts, and DOMParser never
 * runs any, so nothing new executes. A failed poll is silent: the next one
 * tries again.
 */
export const POLL_SCRIPT = `(function () {
  var body = document.body;
  var api = body.getAttribute('data-api');
  var every = Number(body.getAttribute('data-refresh-seconds')) * 1000;
  if (!api || !(every > 0)) return;
  function changed(json) {
    var main = document.querySelector('main');
    if (!main || !json || typeof json !== 'object') return false;
    var until = json.data_until == null ? '' : String(json.data_until);
    var generated = json.generated_at == null ? '' : String(json.generated_at);
    return until !== main.getAttribute('data-data-until') || generated !== main.getAttribute('data-generated-at');
  }
  function swap() {
    return fetch(location.pathname + location.search, { headers: { accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('main');
        var current = document.querySelector('main');
        if (!fresh || !current) return;
        current.replaceWith(document.adoptNode(fresh));
        document.dispatchEvent(new Event('journeys:main-replaced'));
      });
  }
  function poll() {
    fetch(api + location.search, { headers: { accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (json) { return changed(json) ? swap() : undefined; })
      .catch(function () {})
      .then(function () { setTimeout(poll, every); });
  }
  setTimeout(poll, every);
})();`;
