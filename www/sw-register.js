// Registers the service worker (www/sw.js), inlined into index.html by trunk. Its scope is the
// page's own folder, so the site works under any sub-path. On a host that cannot send the
// cross-origin isolation headers, the first visit is not isolated: once the service worker
// controls the page, the page reloads once, through it, and is isolated from then on (threads
// mode's workers then block in Atomics.wait). `trunk serve` sends the headers itself and
// rebuilds on every change: there the page registers nothing and drops any service worker a
// release build left on the same address.
(function () {
  if (!('serviceWorker' in navigator)) return;
  var sw = navigator.serviceWorker;
  var KEY = 'gmp-isolation-reload';
  var me = document.currentScript;
  function session(set) {
    try {
      if (set === undefined) return sessionStorage.getItem(KEY);
      if (set) sessionStorage.setItem(KEY, '1'); else sessionStorage.removeItem(KEY);
    } catch (e) { return '1'; }
    return null;
  }
  window.addEventListener('load', function () {
    // trunk serve's autoreload script (not this one, which names it too).
    var dev = Array.prototype.some.call(document.scripts, function (s) {
      return s !== me && s.textContent.indexOf('.well-known/trunk/ws') >= 0;
    });
    if (dev) {
      sw.getRegistrations().then(function (rs) { rs.forEach(function (r) { r.unregister(); }); });
      return;
    }
    sw.register('./sw.js', { scope: './' }).then(function () {
      if (window.crossOriginIsolated) { session(false); return; }
      // An embedded view is isolated only if its embedder is too: reloading would not help.
      // Reloaded once already: this browser does not isolate the page; it runs without.
      if (window.top !== window || session()) return;
      var reload = function () { session(true); location.reload(); };
      if (sw.controller) reload();
      else sw.addEventListener('controllerchange', reload, { once: true });
    }).catch(function (e) {
      console.warn('service worker not registered (no offline use, no isolation):', e);
    });
  });
})();
