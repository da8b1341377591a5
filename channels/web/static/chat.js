// Web chat: one random session id per tab (sessionStorage, never in a URL); POST /api/chat.
// Staff messages (contract §8) come from GET /api/chat/{id}/messages?after=cursor, polled
// every 2 s with fetch (the id is in the path of an XHR, never in the page's URL or history).
// Quick exit (「すぐに閉じる」 or Esc twice within 1 s): empties session/local storage and the
// page, then location.replace()s to a neutral page, so Back does not return to the chat.
"use strict";

(function () {
  const KEY = "intake-session-id";
  const log = document.getElementById("log");
  const quick = document.getElementById("quick");
  const form = document.getElementById("send-form");
  const input = document.getElementById("text");
  const sendButton = document.getElementById("send");
  const status = document.getElementById("status");
  const exitForm = document.getElementById("quick-exit-form");
  const NEUTRAL_URL = "/weather";
  const ESC_WINDOW_MS = 1000;
  let exited = false;
  let lastEscape = 0;
  let pollTimer = null;

  function quickExit() {
    exited = true;
    if (pollTimer !== null) clearInterval(pollTimer);
    try { sessionStorage.clear(); } catch (err) { /* storage blocked: nothing stored */ }
    try { localStorage.clear(); } catch (err) { /* storage blocked: nothing stored */ }
    document.title = "岐阜県の天気";
    document.body.replaceChildren(); // the conversation leaves the page's memory at once
    location.replace(NEUTRAL_URL); // replaces the history entry: Back does not lead here
  }

  function newSessionId() {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function sessionId() {
    if (exited) return "";
    let id = sessionStorage.getItem(KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
      id = newSessionId();
      sessionStorage.setItem(KEY, id);
    }
    return id;
  }

  const LABELS = { user: "あなた:", bot: "案内:", staff: "市の担当者" };

  function addMessage(who, text) {
    const item = document.createElement("li");
    item.className = "msg msg-" + who;
    const label = document.createElement("span");
    label.className = who === "staff" ? "msg-from" : "visually-hidden";
    label.textContent = LABELS[who] || LABELS.bot;
    const body = document.createElement("span");
    body.className = "msg-text";
    body.textContent = text; // textContent: resident and bot text are never parsed as HTML
    item.append(label, body);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function showQuickReplies(titles) {
    quick.replaceChildren();
    for (const title of titles) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "quick-reply";
      button.textContent = title;
      button.addEventListener("click", () => send(title));
      quick.appendChild(button);
    }
  }

  function setBusy(busy) {
    sendButton.disabled = busy;
    for (const b of quick.querySelectorAll("button")) b.disabled = busy;
    status.textContent = busy ? "送信しています…" : "";
  }

  async function send(text) {
    const trimmed = text.trim();
    if (exited) return;
    if (!trimmed) {
      status.textContent = "メッセージを入力してください。";
      return;
    }
    addMessage("user", trimmed);
    showQuickReplies([]);
    setBusy(true);
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: sessionId(), text: trimmed }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        addMessage("bot", data.error || "送信できませんでした。少し時間をおいて、もう一度送ってください。");
        return;
      }
      let last = [];
      for (const reply of data.replies || []) {
        addMessage("bot", reply.text);
        last = reply.quick_replies || [];
      }
      showQuickReplies(last);
    } catch (err) {
      addMessage("bot", "通信できませんでした。命の危険があるときは 110 か 119 に電話してください。");
    } finally {
      setBusy(false);
      input.focus();
    }
  }

  let cursor = "0";
  let polling = false;

  async function pollFeed() {
    if (polling || exited) return;
    polling = true;
    try {
      const url = "/api/chat/" + encodeURIComponent(sessionId()) + "/messages?after=" + encodeURIComponent(cursor);
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const data = await response.json();
        for (const m of data.messages || []) addMessage(m.from === "staff" ? "staff" : "bot", m.text);
        cursor = data.cursor || cursor;
      }
    } catch (err) {
      /* offline for a moment: the next poll tries again */
    } finally {
      polling = false;
    }
  }

  pollFeed();
  pollTimer = setInterval(pollFeed, 2000);

  exitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    quickExit();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.isComposing) return;
    const now = Date.now();
    if (now - lastEscape <= ESC_WINDOW_MS) quickExit();
    else lastEscape = now;
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
