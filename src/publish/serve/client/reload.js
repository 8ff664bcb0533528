/* publish serve: reload this page when a source, catalogue or stylesheet is saved.
   The server pushes the preview's generation with Server-Sent Events (no polling): on connect, and
   after every change. A generation other than the one this page was made from means reload; the
   scroll position is kept across the reload. EventSource reconnects by itself if the server restarts. */
(function () {
  "use strict";
  var seen = document.documentElement.getAttribute("data-publish-generation");
  var key = "publish-serve-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }
  var events = new EventSource("/_serve/events");
  events.addEventListener("generation", function (event) {
    if (event.data !== seen) {
      events.close();
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
    }
  });
})();
