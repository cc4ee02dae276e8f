// A mesh of WebRTC connections, one per other person in a call, shared by the rooms' calls
// (room_call.js) and the chats' (chat_call.js). The page signals through its socket; the server
// relays each offer, answer and ICE candidate to the one addressed peer. Whoever is already in
// the call offers to a newcomer; two offers at once are settled by "perfect negotiation" (the
// peer with the larger id is polite and gives way).
//
// Test mode: when the page sets window.prepforgeCallLoopbackOnly = true before it loads, only
// 127.0.0.1 ICE candidates are sent or accepted (in the SDP and trickled), so that a browser test
// never sends anything beyond loopback.

import { escapeHtml } from "./html_escape.js";

export const MEDIA_ERRORS = {
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

export function candidateAllowed(line) {
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
 * A remote person's tile (their video, name and connection state), appended to `container`.
 * @param {{container: HTMLElement, peerId: string, name: string, data?: Record<string, string>}} options
 */
export function remoteTile({ container, peerId, name, data = {} }) {
  const tile = document.createElement("figure");
  tile.className = "call-tile";
  tile.dataset.remotePeer = peerId;
  Object.assign(tile.dataset, data);
  tile.innerHTML = `<video autoplay playsinline data-remote-video></video>
    <figcaption><span data-remote-name>${escapeHtml(name)}</span>
    <span class="small muted" data-remote-state>connecting…</span></figcaption>`;
  container.appendChild(tile);
  return tile;
}

/**
 * The camera and microphone, or the microphone alone, or none (the call still receives).
 * @param {{video: boolean, onNote: (text: string, kind?: string) => void}} options
 */
export async function localMedia({ video = true, onNote }) {
  if (!navigator.mediaDevices?.getUserMedia) {
    onNote(MEDIA_ERRORS.SecurityError, "error");
    return null;
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: video ? { width: 640, height: 360 } : false });
  } catch (first) {
    try {
      if (!video) throw first;
      // A microphone without a camera is still a call.
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      onNote("No camera: the others hear you but do not see you.");
      return stream;
    } catch {
      onNote(MEDIA_ERRORS[first?.name] || `The camera and microphone cannot be used (${first?.name || "unknown error"}). You still see and hear the others.`, "error");
      return null;
    }
  }
}

/**
 * @param {object} options
 * @param {RTCIceServer[] | () => RTCIceServer[]} options.iceServers  from WEBRTC_ICE_SERVERS
 * @param {(to: string, payload: object) => void} options.sendSignal  {description} or {candidate}
 * @param {(peerId: string, who: number) => HTMLElement} options.makeTile  a tile with a <video>
 *        and a [data-remote-state] label, already in the page
 * @param {() => MediaStream | null} options.localStream
 * @param {() => string | null} options.myPeerId
 * @param {() => void} options.onChange        a peer came, went or changed state
 * @param {() => void} options.onFailed        a connection failed (no route between the two)
 */
export function createMesh({ iceServers, sendSignal, makeTile, localStream, myPeerId, onChange, onFailed }) {
  const peers = new Map(); // peer id -> { pc, who, makingOffer, tile }

  function closePeer(peerId) {
    const peer = peers.get(peerId);
    if (!peer) return;
    peers.delete(peerId);
    peer.pc.onicecandidate = null;
    peer.pc.ontrack = null;
    peer.pc.onconnectionstatechange = null;
    peer.pc.close();
    peer.tile.remove();
    onChange();
  }

  function closeAll() {
    for (const peerId of Array.from(peers.keys())) closePeer(peerId);
  }

  function attachLocalTracks(pc) {
    // One audio and one video transceiver per connection: ours go out on them when we have them,
    // and without them we still receive.
    const stream = localStream();
    for (const kind of ["audio", "video"]) {
      const track = stream?.getTracks().find((t) => t.kind === kind) || null;
      let transceiver = pc.getTransceivers().find((t) => t.receiver.track?.kind === kind && !t.stopped);
      if (!transceiver) transceiver = pc.addTransceiver(kind, { direction: track ? "sendrecv" : "recvonly" });
      else transceiver.direction = track ? "sendrecv" : "recvonly";
      if (track) {
        transceiver.sender.replaceTrack(track);
        if (stream) transceiver.sender.setStreams?.(stream);
      }
    }
  }

  function newPeer(peerId, who) {
    const servers = typeof iceServers === "function" ? iceServers() : iceServers;
    const pc = new RTCPeerConnection({ iceServers: servers });
    const peer = { pc, who, makingOffer: false, tile: makeTile(peerId, who) };
    peers.set(peerId, peer);
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || !candidateAllowed(candidate.candidate)) return;
      sendSignal(peerId, { candidate: candidate.toJSON() });
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
      if (pc.connectionState === "failed") onFailed();
      onChange();
    };
    onChange();
    return peer;
  }

  async function offerTo(peerId, who) {
    closePeer(peerId);
    const peer = newPeer(peerId, who);
    attachLocalTracks(peer.pc);
    try {
      peer.makingOffer = true;
      await peer.pc.setLocalDescription(await peer.pc.createOffer());
      sendSignal(peerId, { description: descriptionToSend(peer.pc.localDescription) });
    } finally {
      peer.makingOffer = false;
    }
  }

  async function onSignal(event, who) {
    const peerId = event.from;
    let peer = peers.get(peerId);
    try {
      if (event.description) {
        const description = event.description;
        if (description.type === "offer") {
          const colliding = peer && (peer.makingOffer || peer.pc.signalingState !== "stable");
          const polite = myPeerId() > peerId;
          if (colliding && !polite) return; // ours wins; they give way
          if (!peer) peer = newPeer(peerId, who);
          await peer.pc.setRemoteDescription(description); // a polite collision rolls ours back
          attachLocalTracks(peer.pc);
          await peer.pc.setLocalDescription(await peer.pc.createAnswer());
          sendSignal(peerId, { description: descriptionToSend(peer.pc.localDescription) });
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

  function connectionStates() {
    return Array.from(peers.values()).map((peer) => peer.pc.connectionState);
  }

  return { peers, offerTo, onSignal, closePeer, closeAll, connectionStates };
}
