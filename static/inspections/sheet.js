// The inspection sheet keeps what is typed: a few seconds after each change the draft is sent
// to the server (POST JSON, CSRF header) and kept in this browser's localStorage, so a dropped
// connection loses nothing. On load the newest draft (server or this device) is put back and
// the page says so. A file, not an inline script: CSP.
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form) return;
  var DELAY = 3000;
  var key = form.dataset.draftKey;
  var url = form.dataset.draftUrl;
  var statusLine = document.querySelector("[data-testid=draft-status]");
  var restoredLine = document.querySelector("[data-testid=draft-restored]");
  var timer = null;
  var pending = false;

  function hhmm(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function show(line, text, tone) {
    if (!line) return;
    line.textContent = text;
    line.hidden = false;
    line.className = line.className.replace(/\s*tone-\w+/g, "") + (tone ? " tone-" + tone : "");
  }

  function collect() {
    var scores = {};
    form.querySelectorAll("input.score-input").forEach(function (input) {
      var id = input.name.replace("score_", "");
      var note = form.querySelector("[name=note_" + id + "]");
      scores[id] = { score: input.value, note: note ? note.value : "" };
    });
    var notes = form.querySelector("[name=notes]");
    var day = form.querySelector("[name=inspected_on]");
    return {
      scores: scores,
      notes: notes ? notes.value : "",
      inspected_on: day ? day.value : "",
      saved_at: new Date().toISOString(),
    };
  }

  function apply(draft) {
    var scores = draft.scores || {};
    Object.keys(scores).forEach(function (id) {
      var input = form.querySelector("[name=score_" + id + "]");
      var note = form.querySelector("[name=note_" + id + "]");
      if (input) input.value = scores[id].score || "";
      if (note) note.value = scores[id].note || "";
    });
    var notes = form.querySelector("[name=notes]");
    var day = form.querySelector("[name=inspected_on]");
    if (notes && typeof draft.notes === "string") notes.value = draft.notes;
    if (day && typeof draft.inspected_on === "string") day.value = draft.inspected_on;
  }

  function isEmpty(draft) {
    return !draft || (!Object.keys(draft.scores || {}).length && !draft.notes && !draft.inspected_on);
  }

  function readLocal() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeLocal(draft) {
    try {
      window.localStorage.setItem(key, JSON.stringify(draft));
    } catch (e) {
      /* private mode or full: the server copy still works */
    }
  }

  function csrf() {
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send() {
    timer = null;
    var draft = readLocal() || collect();
    if (!navigator.onLine) {
      pending = true;
      show(statusLine, form.dataset.textOffline, "offline");
      return;
    }
    show(statusLine, form.dataset.textSaving, "saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(draft),
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        pending = false;
        show(statusLine, form.dataset.textSaved + " " + hhmm(answer.saved_at), "saved");
      })
      .catch(function () {
        pending = true;
        show(statusLine, form.dataset.textOffline, "offline");
      });
  }

  function changed() {
    writeLocal(collect());
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(send, DELAY);
  }

  function restore() {
    if (form.dataset.noRestore === "1") return;
    var server = {};
    var holder = document.getElementById("server-draft");
    if (holder) {
      try {
        server = JSON.parse(holder.textContent) || {};
      } catch (e) {
        server = {};
      }
    }
    var local = readLocal();
    var serverTime = Date.parse(server.saved_at || "") || 0;
    var localTime = local ? Date.parse(local.saved_at || "") || 0 : 0;
    var chosen = null;
    var when = "";
    if (local && localTime > serverTime && !isEmpty(local)) {
      chosen = local;
      when = local.saved_at;
      pending = true; // the server has not seen it yet
    } else if (!isEmpty(server.draft)) {
      chosen = server.draft;
      when = server.saved_at;
    }
    if (local && localTime <= serverTime) window.localStorage.removeItem(key);
    if (!chosen) return;
    apply(chosen);
    show(restoredLine, form.dataset.textRestored.replace("%(time)s", hhmm(when)), "restored");
    if (pending) timer = window.setTimeout(send, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    if (timer) window.clearTimeout(timer);
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      /* nothing kept */
    }
  });
  window.addEventListener("online", function () {
    if (pending) send();
  });
  window.addEventListener("offline", function () {
    show(statusLine, form.dataset.textOffline, "offline");
  });
  restore();
})();
