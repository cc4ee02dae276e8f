// The room's audio/video call: WebRTC between the browsers of the people in the call, signalled
// through the room's events socket (call.join / call.signal / call.leave); the connections are
// the shared mesh (shared/webrtc_mesh.js, also used by the chats' calls). Without a camera or
// microphone (none, or permission denied) the call still receives the others, and the rest of the
// room is unaffected. The loopback-only test mode is the mesh's.
import { createMesh, localMedia as cameraAndMicrophone, remoteTile } from "./shared/webrtc_mesh.js";

/**
 * @param {object} options
 * @param {(message: object) => boolean} options.send  a JSON message on the room's events socket
 * @param {RTCIceServer[]} options.iceServers           from the WEBRTC_ICE_SERVERS setting
 * @param {HTMLElement} options.root                    the call card ([data-call])
 * @param {(id: number) => string} options.nameOf       a participant's display name
 */
export function createCall({ send, iceServers, root, nameOf }) {
  const $ = (selector) => root.querySelector(selector);
  let myPeerId = null;
  let localStream = null;
  let joining = false;
  let inCall = false;

  function setNote(text, kind = "info") {
    const note = $("[data-call-note]");
    note.textContent = text;
    note.dataset.kind = kind;
  }

  function renderButtons() {
    const audio = localStream?.getAudioTracks()[0];
    const video = localStream?.getVideoTracks()[0];
    $("[data-call-join]").hidden = inCall || joining;
    $("[data-call-hangup]").hidden = !inCall;
    const mute = $("[data-call-mute]");
    mute.hidden = !inCall;
    mute.disabled = !audio;
    mute.textContent = audio && !audio.enabled ? "🎤 Unmute" : "🔇 Mute";
    mute.setAttribute("aria-pressed", String(Boolean(audio && !audio.enabled)));
    mute.title = audio ? "" : "No microphone";
    const camera = $("[data-call-camera]");
    camera.hidden = !inCall;
    camera.disabled = !video;
    camera.textContent = video && !video.enabled ? "📷 Camera on" : "📷 Camera off";
    camera.setAttribute("aria-pressed", String(Boolean(video && !video.enabled)));
    camera.title = video ? "" : "No camera";
    root.dataset.inCall = String(inCall);
    const states = connectionStates();
    root.dataset.callState = states.includes("connected") ? "connected" : inCall ? "waiting" : "idle";
    $("[data-call-empty]").hidden = peers.size > 0 || !inCall;
  }

  async function join() {
    if (inCall || joining) return;
    joining = true;
    renderButtons();
    setNote("Starting your camera and microphone…");
    localStream = await cameraAndMicrophone({ onNote: setNote });
    if (localStream) {
      const preview = $("[data-call-local]");
      preview.srcObject = localStream;
      preview.hidden = localStream.getVideoTracks().length === 0;
      if ($("[data-call-note]").dataset.kind !== "error" && localStream.getVideoTracks().length) setNote("");
    }
    joining = false;
    if (!send({ type: "call.join" })) {
      stopLocal();
      renderButtons();
      return;
    }
    renderButtons();
  }

  function stopLocal() {
    localStream?.getTracks().forEach((track) => track.stop());
    localStream = null;
    const preview = $("[data-call-local]");
    preview.srcObject = null;
    preview.hidden = true;
  }

  function hangUp({ tell = true } = {}) {
    mesh.closeAll();
    if (tell && inCall) send({ type: "call.leave" });
    inCall = false;
    myPeerId = null;
    stopLocal();
    setNote("");
    renderButtons();
  }

  function tileFor(peerId, participantId) {
    return remoteTile({ container: $("[data-call-tiles]"), peerId, name: nameOf(participantId),
                        data: { participantId: String(participantId) } });
  }

  const mesh = createMesh({
    iceServers,
    sendSignal: (to, payload) => send({ type: "call.signal", to, ...payload }),
    makeTile: tileFor,
    localStream: () => localStream,
    myPeerId: () => myPeerId,
    onChange: renderButtons,
    onFailed: () => setNote("The call could not connect to the other person (a firewall between you needs a TURN server). The room works without it.", "error"),
  });
  const peers = mesh.peers;

  function offerTo(peerId, participantId) {
    mesh.offerTo(peerId, participantId).catch((error) => setNote(`The call could not start (${error.name || error}).`, "error"));
  }

  function onSignal(event) {
    if (!inCall) return;
    mesh.onSignal(event, event.from_participant);
  }

  function onEvent(event) {
    switch (event.type) {
      case "call.ready":
        myPeerId = event.peer_id;
        inCall = true;
        if (!peers.size && $("[data-call-note]").dataset.kind !== "error") setNote("In the call. Waiting for the others to join…");
        renderButtons();
        return true;
      case "call.peer_joined":
        if (inCall && event.peer_id !== myPeerId) {
          if ($("[data-call-note]").dataset.kind !== "error") setNote("");
          offerTo(event.peer_id, event.participant.id);
        }
        return true;
      case "call.peer_left":
        mesh.closePeer(event.peer_id);
        return true;
      case "call.signal":
        if ($("[data-call-note]").dataset.kind !== "error") setNote("");
        onSignal(event);
        return true;
      case "call.left":
        return true;
      default:
        return false;
    }
  }

  // The events socket dropped: its peer id is gone with it. Join again with a new one (the
  // others hear call.peer_joined and offer again); the camera stays on.
  function onSocketClosed() {
    if (!inCall) return;
    mesh.closeAll();
    myPeerId = null;
    inCall = false;
    rejoin = true;
    renderButtons();
  }
  let rejoin = false;
  function onSocketOpen() {
    if (!rejoin) return;
    rejoin = false;
    send({ type: "call.join" });
  }

  function connectionStates() {
    return mesh.connectionStates();
  }

  function onError(event) {
    if (event.code === "call_observer") {
      joining = false;
      stopLocal();
      setNote(event.message, "error");
      renderButtons();
      return true;
    }
    return event.code?.startsWith("call_") || event.code === "bad_signal";
  }

  $("[data-call-join]").addEventListener("click", join);
  $("[data-call-hangup]").addEventListener("click", () => hangUp());
  $("[data-call-mute]").addEventListener("click", () => {
    const audio = localStream?.getAudioTracks()[0];
    if (audio) audio.enabled = !audio.enabled;
    renderButtons();
  });
  $("[data-call-camera]").addEventListener("click", () => {
    const video = localStream?.getVideoTracks()[0];
    if (video) video.enabled = !video.enabled;
    renderButtons();
  });
  window.addEventListener("pagehide", () => hangUp());
  renderButtons();

  return { onEvent, onError, onSocketOpen, onSocketClosed, connectionStates, hangUp,
           get peerId() { return myPeerId; }, peers };
}
