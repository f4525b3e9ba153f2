/*
 * Drafts of professional notes: nothing typed is lost if the session expires or the network
 * drops.
 *
 * - On every change, the form's content is kept in localStorage (one slot per user and
 *   person, like NoteDraft on the server).
 * - Every 10 seconds, if the content changed since the server last got it, it is sent to the
 *   draft endpoint (POST, CSRF token from the form). When the server confirms it holds that
 *   content, the local copy is removed (the server has it; less personal data left on a
 *   shared computer). On 401/403 (session expired), a redirect or a network error, the
 *   local copy stays and the user is told.
 * - On load, a local copy that differs from what the page shows (it is newer than the
 *   server's draft, which the page already shows) is put back in the form, with the
 *   "Brouillon restauré" notice and its "Supprimer le brouillon" button; a local copy equal
 *   to what the page shows is removed (the server has it).
 * - A save answered while the page is being left does not remove the local copy: the next
 *   page may have been rendered before that save reached the database.
 * - After a note is saved, the person page carries [data-note-draft-clear]: the local copy
 *   is removed.
 *
 * No inline script (Content-Security-Policy): loaded with <script src defer>.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 10000;
  var EXPIRED = "Votre session a expiré : le brouillon est gardé sur cet appareil. " +
    "Reconnectez-vous, puis revenez sur ce formulaire.";
  var FIELDS = ["kind", "occurred_on", "body", "visibility", "pathway"];

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // disabled or full: the server copy still works
    }
  }

  function removeLocal(key) {
    var store = storage();
    if (store) {
      try { store.removeItem(key); } catch (e) { /* nothing to do */ }
    }
  }

  document.querySelectorAll("[data-note-draft-clear]").forEach(function (marker) {
    removeLocal(marker.getAttribute("data-note-draft-clear"));
  });

  document.querySelectorAll("[data-focus-target]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("data-focus-target"));
      if (target) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({block: "center"});
      }
    });
  });

  var form = document.querySelector("form[data-note-draft]");
  if (!form) {
    return;
  }
  var key = form.getAttribute("data-note-draft");
  var noteId = form.getAttribute("data-note-draft-note") || "";
  var url = form.getAttribute("data-note-draft-url");
  var statusBox = document.querySelector("[data-draft-status]");
  var notice = document.querySelector("[data-draft-notice]");
  var discardForm = document.querySelector("form[data-draft-discard]");

  function read() {
    var data = {note: noteId};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      data[name] = field ? (field.value || "") : "";
    });
    return data;
  }

  function write(data) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && typeof data[name] === "string") {
        field.value = data[name];
      }
    });
  }

  function same(a, b) {
    return FIELDS.every(function (name) {
      return (a[name] || "") === (b[name] || "");
    });
  }

  function loadLocal() {
    var store = storage();
    if (!store) {
      return null;
    }
    try {
      var data = JSON.parse(store.getItem(key) || "null");
      return data && typeof data === "object" ? data : null;
    } catch (e) {
      return null;
    }
  }

  function saveLocal(data) {
    var store = storage();
    if (!store) {
      return;
    }
    try {
      var copy = Object.assign({}, data, {savedAt: Date.now()});
      store.setItem(key, JSON.stringify(copy));
    } catch (e) { /* quota: the server copy remains */ }
  }

  function say(text) {
    if (statusBox) {
      statusBox.textContent = text;
    }
  }

  function time(ms) {
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // What the server is known to hold: what the page was rendered with (an empty form, the
  // note being edited, or the server's draft already put back by the page).
  var serverCopy = read();

  var local = loadLocal();
  if (local && (local.note || "") === noteId && same(local, serverCopy)) {
    removeLocal(key); // the server already holds it (its answer came as the page was left)
  } else if (local && (local.note || "") === noteId && (local.body || "").trim()) {
    write(local);
    if (notice) {
      notice.hidden = false;
      var text = notice.querySelector("[data-draft-notice-text]");
      if (text) {
        text.textContent = "Le texte que vous étiez en train d'écrire (gardé sur cet appareil à " +
          time(local.savedAt || Date.now()) + ") a été remis dans le formulaire.";
      }
    }
  }

  function changed() {
    var data = read();
    if (!same(data, serverCopy)) {
      saveLocal(data);
    }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  if (discardForm) {
    discardForm.addEventListener("submit", function () {
      stopped = true;
      removeLocal(key);
    });
  }

  var sending = false;
  var stopped = false;
  // Leaving the page (reload, link): a save still in flight may reach the server after the
  // next page was rendered without it, so the local copy is kept until that page sees it.
  var leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("beforeunload", function () { leaving = true; });

  // Once the note is submitted, no more automatic saves: a late draft would outlive the
  // note (the server also ignores a draft identical to the note just saved).
  form.addEventListener("submit", function () {
    stopped = true;
  });

  function sync() {
    var data = read();
    if (stopped || sending || !url || same(data, serverCopy)) {
      return;
    }
    var token = form.elements.csrfmiddlewaretoken ? form.elements.csrfmiddlewaretoken.value : "";
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("note", noteId);
    FIELDS.forEach(function (name) { body.append(name, data[name]); });
    sending = true;
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (json && (response.status === 401 || response.status === 403)) {
        return response.json().then(function (payload) {
          say(payload.message || EXPIRED);
          return null;
        });
      }
      if (response.type === "opaqueredirect" || response.status === 401) {
        say(EXPIRED);
        return null;
      }
      if (response.status === 403) {
        // The form's security token is no longer valid (logged in again elsewhere).
        say("Le brouillon n'a pas pu être envoyé : rechargez la page. Votre texte est gardé sur cet appareil et sera remis dans le formulaire.");
        return null;
      }
      if (!response.ok || !json) {
        say("Le brouillon n'a pas pu être enregistré sur le serveur ; il est gardé sur cet appareil.");
        return null;
      }
      return response.json();
    }).then(function (payload) {
      if (!payload || !payload.ok) {
        return;
      }
      serverCopy = data;
      var current = loadLocal();
      if (!leaving && current && same(current, data)) {
        removeLocal(key);
      }
      say(payload.message || "Brouillon enregistré.");
    }).catch(function () {
      say("Pas de connexion : le brouillon est gardé sur cet appareil et sera envoyé au retour du réseau.");
    }).then(function () {
      sending = false;
    });
  }

  var interval = parseInt(form.getAttribute("data-note-draft-interval") || "", 10);
  window.setInterval(sync, interval > 0 ? interval : INTERVAL_MS);
})();
