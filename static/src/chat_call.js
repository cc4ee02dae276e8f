// Audio and video calls in a chat, signalled over the page's /ws/chat/ socket (chat.call_consumer):
// call.start rings the other members, call.accept / call.reject answer, call.end hangs up; the
// connections are the shared mesh (shared/webrtc_mesh.js), one per other person, up to four
// people. An incoming call rings on whichever chat page is open; a call answered in another tab
// stops ringing here. The call's record (missed, or its duration) arrives as a chat message.
import { createMesh, localMedia, remoteTile } from "./shared/webrtc_mesh.js";

/**
 * @param {object} options
 * @param {HTMLElement} options.root            the call panel ([data-chat-call])
 * @param {(message: object) => boolean} options.send  a JSON message on the chat socket
 * @param {number} options.chatId               the chat shown on this page
 * @param {(userId: number) => string} options.nameOf
 */
export function mountChatCall({ root, send, chatId, nameOf }) {
  const $ = (selector) => root.querySelector(selector);
  let ringing = null; // a call ringing for us: {id, chat_id, media, initiator}
  let callId = null; // the call this tab is in
  let media = "audio";
  let myPeerId = null;
  let iceServers = [];
  let localStream = null;
  let starting = false;

  function setNote(text, kind = "info") {
    const note = $("[data-call-note]");
    note.textContent = text;
    note.dataset.kind = kind;
  }

  function render() {
    const inCall = callId !== null;
    root.dataset.inCall = String(inCall);
    const states = mesh.connectionStates();
    root.dataset.callState = states.includes("connected") ? "connected" : inCall ? "waiting" : "idle";
    for (const button of root.querySelectorAll("[data-call-start]")) button.hidden = inCall || starting || Boolean(ringing);
    const incoming = $("[data-call-incoming]");
    incoming.hidden = !ringing || inCall;
    if (ringing) {
      const where = ringing.chat_id === chatId ? "" : " (in another chat)";
      $("[data-call-incoming-text]").textContent =
        `${ringing.initiator?.name || "Someone"} is calling you: ${ringing.media === "video" ? "video" : "audio"} call${where}`;
    }
    $("[data-call-live]").hidden = !inCall;
    const audio = localStream?.getAudioTracks()[0];
    const mute = $("[data-call-mute]");
    mute.disabled = !audio;
    mute.textContent = audio && !audio.enabled ? "🎤 Unmute" : "🔇 Mute";
    mute.setAttribute("aria-pressed", String(Boolean(audio && !audio.enabled)));
  }

  function tileFor(peerId, userId) {
    return remoteTile({ container: $("[data-call-tiles]"), peerId, name: nameOf(userId),
                        data: { userId: String(userId) } });
  }

  const mesh = createMesh({
    iceServers: () => iceServers,
    sendSignal: (to, payload) => send({ type: "call.signal", call_id: callId, to, ...payload }),
    makeTile: tileFor,
    localStream: () => localStream,
    myPeerId: () => myPeerId,
    onChange: render,
    onFailed: () => setNote("The call could not connect (a firewall between you needs a TURN server).", "error"),
  });

  async function withMedia(kind) {
    media = kind;
    setNote(kind === "video" ? "Starting your camera and microphone…" : "Starting your microphone…");
    localStream = await localMedia({ video: kind === "video", onNote: setNote });
    const preview = $("[data-call-local]");
    preview.srcObject = localStream;
    preview.hidden = !localStream || localStream.getVideoTracks().length === 0;
    if ($("[data-call-note]").dataset.kind !== "error") setNote("");
  }

  function stopLocal() {
    localStream?.getTracks().forEach((track) => track.stop());
    localStream = null;
    const preview = $("[data-call-local]");
    preview.srcObject = null;
    preview.hidden = true;
  }

  function leaveLocally(note = "") {
    mesh.closeAll();
    callId = null;
    myPeerId = null;
    stopLocal();
    setNote(note);
    render();
  }

  async function start(kind) {
    if (callId !== null || starting) return;
    starting = true;
    render();
    await withMedia(kind);
    starting = false;
    if (!send({ type: "call.start", chat_id: chatId, media: kind })) {
      stopLocal();
      setNote("Not connected: try again in a moment.", "error");
    } else {
      setNote("Ringing…");
    }
    render();
  }

  async function accept() {
    if (!ringing) return;
    const call = ringing;
    await withMedia(call.media);
    send({ type: "call.accept", call_id: call.id });
  }

  function durationText(seconds) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function onEvent(event) {
    const call = event.call;
    switch (event.type) {
      case "call.incoming":
        if (call.status !== "ended" && callId === null) ringing = call;
        render();
        return true;
      case "call.started":
        return true;
      case "call.ready":
        callId = event.call_id;
        myPeerId = event.peer_id;
        iceServers = event.ice_servers || [];
        if (ringing?.id === callId) ringing = null;
        if (!mesh.peers.size && $("[data-call-note]").dataset.kind !== "error") setNote("Waiting for the others to answer…");
        render();
        return true;
      case "call.peer_joined":
        if (event.call_id === callId && event.peer_id !== myPeerId) {
          setNote("");
          mesh.offerTo(event.peer_id, event.user.id).catch((error) => setNote(`The call could not start (${error.name || error}).`, "error"));
        }
        return true;
      case "call.peer_left":
        mesh.closePeer(event.peer_id);
        return true;
      case "call.signal":
        if (event.call_id === callId) mesh.onSignal(event, event.from_user);
        return true;
      case "call.accepted":
        // Answered in another of our tabs: this one stops ringing.
        if (ringing?.id === call.id && callId !== call.id) ringing = null;
        render();
        return true;
      case "call.rejected":
        if (call.id === callId) setNote(`${event.user.name} declined.`);
        return true;
      case "call.busy":
        setNote(`${event.users.map((u) => u.name).join(", ")} ${event.users.length > 1 ? "are" : "is"} on another call.`, "error");
        return true;
      case "call.left":
        if (call.id === callId) setNote(`${event.user.name} left the call.`);
        return true;
      case "call.ended":
        if (ringing?.id === call.id) ringing = null;
        if (call.id === callId) {
          const note = call.duration_seconds !== null ? `Call ended · ${durationText(call.duration_seconds)}`
            : call.outcome === "rejected" ? $("[data-call-note]").textContent
              : call.outcome === "missed" ? "No answer." : "Call ended.";
          leaveLocally(note);
        } else if (callId === null && !starting && localStream) {
          stopLocal(); // ours ended before it was joined (everyone busy)
        }
        render();
        return true;
      default:
        return false;
    }
  }

  function onError(event) {
    const ours = event.code?.startsWith("call_") || ["already_in_call", "bad_signal", "invalid_media"].includes(event.code);
    if (ours && callId === null) {
      stopLocal();
      setNote(event.message, "error");
      render();
    }
    return ours;
  }

  // The socket dropped: its peer id went with it, and the server hangs it up. The others see it
  // leave; the call can be started again.
  function onSocketClosed() {
    if (callId !== null) leaveLocally("The connection dropped, so the call ended here.");
  }

  for (const button of root.querySelectorAll("[data-call-start]")) {
    button.addEventListener("click", () => start(button.dataset.callStart));
  }
  $("[data-call-accept]").addEventListener("click", accept);
  $("[data-call-decline]").addEventListener("click", () => {
    if (ringing) send({ type: "call.reject", call_id: ringing.id });
    ringing = null;
    render();
  });
  $("[data-call-hangup]").addEventListener("click", () => {
    if (callId !== null) send({ type: "call.end", call_id: callId });
    leaveLocally();
  });
  $("[data-call-mute]").addEventListener("click", () => {
    const audio = localStream?.getAudioTracks()[0];
    if (audio) audio.enabled = !audio.enabled;
    render();
  });
  window.addEventListener("pagehide", () => {
    if (callId !== null) send({ type: "call.end", call_id: callId });
  });
  render();

  return { onEvent, onError, onSocketClosed, peers: mesh.peers, connectionStates: mesh.connectionStates,
           get callId() { return callId; }, get media() { return media; } };
}
