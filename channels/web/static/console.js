// Staff console: urgent alerts on every page (GET /staff/alerts), and on a case page the
// conversation's new messages (GET /api/handoffs/{id}/messages?after=cursor), both polled,
// no reload. Text is inserted with textContent only: resident text is never parsed as HTML.
"use strict";

(function () {
  const ALERT_MS = 3000;
  const TALK_MS = 2000;
  const WHO = { resident: "住民", assistant: "自動の案内" };
  const DELIVERY = { sent: "LINEに送信済み", pending: "送信中(自動で再送します)", failed: "届きませんでした" };

  function waited(seconds) {
    const minutes = Math.max(0, Math.floor(seconds / 60));
    const hours = Math.floor(minutes / 60);
    return hours ? hours + "時間" + (minutes % 60) + "分" : minutes + "分";
  }

  async function pollAlerts(box) {
    try {
      const response = await fetch("/staff/alerts", { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      const urgent = data.urgent || [];
      box.replaceChildren();
      box.hidden = urgent.length === 0;
      if (!urgent.length) return;
      const title = document.createElement("strong");
      title.textContent = "緊急の引き継ぎが " + urgent.length + " 件あります(まだ誰も対応していません)";
      const list = document.createElement("ul");
      for (const item of urgent) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/staff/handoffs/" + encodeURIComponent(item.id);
        link.textContent = "開く(待ち時間 " + waited(item.waited_seconds) + ")";
        li.appendChild(link);
        list.appendChild(li);
      }
      box.append(title, list);
    } catch (err) {
      /* the next poll tries again */
    }
  }

  function messageItem(m) {
    const li = document.createElement("li");
    li.className = "talk-msg talk-" + m.from;
    li.dataset.id = m.id;
    const who = document.createElement("span");
    who.className = "talk-who";
    who.textContent = m.from === "staff" ? "市の担当者(" + (m.staff_name || "") + ")" : (WHO[m.from] || m.from);
    const time = document.createElement("time");
    time.dateTime = m.at;
    time.textContent = new Date(m.at).toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tokyo" });
    const text = document.createElement("span");
    text.className = "talk-text";
    text.textContent = m.text;
    li.append(who, " ", time, " ", text);
    if (m.delivery) {
      const state = document.createElement("span");
      state.className = "talk-delivery delivery-" + m.delivery;
      state.textContent = DELIVERY[m.delivery] + (m.delivery_error ? ": " + m.delivery_error : "");
      li.append(" ", state);
    }
    return li;
  }

  async function pollTalk(section) {
    const log = document.getElementById("talk-log");
    const url = "/api/handoffs/" + encodeURIComponent(section.dataset.handoffId) +
      "/messages?after=" + encodeURIComponent(section.dataset.cursor || "0");
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      for (const m of data.messages || []) {
        if (!log.querySelector('[data-id="' + CSS.escape(m.id) + '"]')) log.appendChild(messageItem(m));
      }
      section.dataset.cursor = data.cursor;
    } catch (err) {
      /* the next poll tries again */
    }
  }

  function start() {
    const box = document.getElementById("alerts");
    if (box) {
      pollAlerts(box);
      setInterval(() => pollAlerts(box), ALERT_MS);
    }
    const section = document.getElementById("talk");
    if (section) setInterval(() => pollTalk(section), TALK_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
