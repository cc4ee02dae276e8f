// The room's audio/video call: WebRTC between the browsers of the people in the call, signalled
// through the room's events socket (call.join / call.signal / call.leave; the server relays each
// offer, answer and ICE candidate to the one addressed peer). Whoever is already in the call
// offers to a newcomer; two offers at once are settled by "perfect negotiation" (the peer with
// the larger id is polite and gives way). Without a camera or microphone (none, or permission
// denied) the call still receives the others, and the rest of the room is unaffected.
//
// Test mode: when the page sets window.prepforgeCallLoopbackOnly = true before it loads, only
// 127.0.0.1 ICE candidates are sent or accepted (in the SDP and trickled), so that a browser test
// never sends anything beyond loopback.
import { escapeHtml } from "./shared/html_escape.js";

const MEDIA_ERRORS = {
  NotAllowedError: "Camera and microphone access was refused, so the others cannot see or hear you. You still see and hear them; allow access in the browser and join again to send yours.",
  NotFoundError: "No camera or microphone was found. You still see and hear the others.",
  NotReadableError: "The camera or microphone is in use by another program. You still see and hear the others.",
  OverconstrainedError: "No camera or microphone fits. You still see and hear the others.",
  SecurityError: "This page may not use the camera or microphone (it needs https). You still see and hear the others.",
};

function loopbackOnly() {
  return window.prepforgeCallLoopbackOnly === true;
}

// The connection address of an ICE candidate line ("candidate:<foundation> <component>
// <protocol> <priority> <address> <port> typ ...").
export function candidateAddress(line) {
  const fields = String(line || "").replace(/^a=/, "").split(" ");
  return fields.length > 5 ? fields[4] : "";
}

function candidateAllowed(line) {
  if (!line) return true; // end of candidates
  return !loopbackOnly() || candidateAddress(line) === "127.0.0.1";
}

export function filterSdpCandidates(sdp, keep) {
  return sdp.split("\r\n").filter((line) => !line.startsWith("a=candidate:") || keep(line)).join("\r\n");
}

function descriptionToSend(description) {
  const sdp = loopbackOnly() ? filterSdpCandidates(description.sdp, candidateAllowed) : description.sdp;
  return { type: description.type, sdp };
}

/**
 * @param {object} options
 * @param {(message: object) => boolean} options.send  a JSON message on the room's events socket
 * @param {RTCIceServer[]} options.iceServers           from the WEBRTC_ICE_SERVERS setting
 * @param {HTMLElement} options.root                    the call card ([data-call])
 * @param {(id: number) => string} options.nameOf       a participant's display name
 */
export function createCall({ send, iceServers, root, nameOf }) {
  const $ = (selector) => root.querySelector(selector);
  const peers = new Map(); // peer id -> { pc, participantId, makingOffer, tile }
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

  async function localMedia() {
    if (!navigator.mediaDevices?.getUserMedia) {
      setNote(MEDIA_ERRORS.SecurityError, "error");
      return null;
    }
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    } catch (first) {
      try {
        // A microphone without a camera is still a call.
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        setNote("No camera: the others hear you but do not see you.");
        return stream;
      } catch {
        setNote(MEDIA_ERRORS[first?.name] || `The camera and microphone cannot be used (${first?.name || "unknown error"}). You still see and hear the others.`, "error");
        return null;
      }
    }
  }

  async function join() {
    if (inCall || joining) return;
    joining = true;
    renderButtons();
    setNote("Starting your camera and microphone…");
    localStream = await localMedia();
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

  function closePeer(peerId) {
    const peer = peers.get(peerId);
    if (!peer) return;
    peers.delete(peerId);
    peer.pc.onicecandidate = null;
    peer.pc.ontrack = null;
    peer.pc.onconnectionstatechange = null;
    peer.pc.close();
    peer.tile.remove();
    renderButtons();
  }

  function hangUp({ tell = true } = {}) {
    for (const peerId of Array.from(peers.keys())) closePeer(peerId);
    if (tell && inCall) send({ type: "call.leave" });
    inCall = false;
    myPeerId = null;
    stopLocal();
    setNote("");
    renderButtons();
  }

  function tileFor(peerId, participantId) {
    const tile = document.createElement("figure");
    tile.className = "call-tile";
    tile.dataset.remotePeer = peerId;
    tile.dataset.participantId = String(participantId);
    tile.innerHTML = `<video autoplay playsinline data-remote-video></video>
      <figcaption><span data-remote-name>${escapeHtml(nameOf(participantId))}</span>
      <span class="small muted" data-remote-state>connecting…</span></figcaption>`;
    $("[data-call-tiles]").appendChild(tile);
    return tile;
  }

  function attachLocalTracks(pc) {
    // One audio and one video transceiver per connection: ours go out on them when we have them,
    // and without them we still receive.
    for (const kind of ["audio", "video"]) {
      const track = localStream?.getTracks().find((t) => t.kind === kind) || null;
      let transceiver = pc.getTransceivers().find((t) => t.receiver.track?.kind === kind && !t.stopped);
      if (!transceiver) transceiver = pc.addTransceiver(kind, { direction: track ? "sendrecv" : "recvonly" });
      else transceiver.direction = track ? "sendrecv" : "recvonly";
      if (track) {
        transceiver.sender.replaceTrack(track);
        if (localStream) transceiver.sender.setStreams?.(localStream);
      }
    }
  }

  function newPeer(peerId, participantId) {
    const pc = new RTCPeerConnection({ iceServers });
    const peer = { pc, participantId, makingOffer: false, tile: tileFor(peerId, participantId) };
    peers.set(peerId, peer);
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || !candidateAllowed(candidate.candidate)) return;
      send({ type: "call.signal", to: peerId, candidate: candidate.toJSON() });
    };
    const remote = new MediaStream();
    peer.tile.querySelector("video").srcObject = remote;
    pc.ontrack = ({ track }) => {
      remote.addTrack(track);
      peer.tile.querySelector("video").play().catch(() => {}); // joining was a click: playback is allowed
    };
    pc.onconnectionstatechange = () => {
      const label = { connected: "connected", connecting: "connecting…", disconnected: "reconnecting…", failed: "could not connect", closed: "left" }[pc.connectionState] || pc.connectionState;
      peer.tile.querySelector("[data-remote-state]").textContent = label;
      peer.tile.dataset.state = pc.connectionState;
      if (pc.connectionState === "failed") {
        setNote("The call could not connect to the other person (a firewall between you needs a TURN server). The room works without it.", "error");
      }
      renderButtons();
    };
    renderButtons();
    return peer;
  }

  async function offerTo(peerId, participantId) {
    closePeer(peerId);
    const peer = newPeer(peerId, participantId);
    attachLocalTracks(peer.pc);
    try {
      peer.makingOffer = true;
      await peer.pc.setLocalDescription(await peer.pc.createOffer());
      send({ type: "call.signal", to: peerId, description: descriptionToSend(peer.pc.localDescription) });
    } catch (error) {
      setNote(`The call could not start (${error.name || error}).`, "error");
    } finally {
      peer.makingOffer = false;
    }
  }

  async function onSignal(event) {
    if (!inCall) return;
    const peerId = event.from;
    let peer = peers.get(peerId);
    try {
      if (event.description) {
        const description = event.description;
        if (description.type === "offer") {
          const colliding = peer && (peer.makingOffer || peer.pc.signalingState !== "stable");
          const polite = myPeerId > peerId;
          if (colliding && !polite) return; // ours wins; they give way
          if (!peer) peer = newPeer(peerId, event.from_participant);
          await peer.pc.setRemoteDescription(description); // a polite collision rolls ours back
          attachLocalTracks(peer.pc);
          await peer.pc.setLocalDescription(await peer.pc.createAnswer());
          send({ type: "call.signal", to: peerId, description: descriptionToSend(peer.pc.localDescription) });
        } else if (peer && peer.pc.signalingState === "have-local-offer") {
          await peer.pc.setRemoteDescription(description);
        }
      } else if (event.candidate && peer && candidateAllowed(event.candidate.candidate)) {
        await peer.pc.addIceCandidate(event.candidate.candidate ? event.candidate : null);
      }
    } catch (error) {
      // A candidate for a description we rolled back, and the like: that attempt is dropped.
      console.warn("call signal", error);
    }
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
        closePeer(event.peer_id);
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
    for (const peerId of Array.from(peers.keys())) closePeer(peerId);
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
    return Array.from(peers.values()).map((peer) => peer.pc.connectionState);
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
