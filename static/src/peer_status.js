// Live status of peer mock interviews: the server pushes `peer_booking.status` to both
// participants' notifications socket (notifications.js re-dispatches it as a DOM event); every
// badge of that booking on the page (the bookings list, the booking page) follows it, and the
// booking page shows the room link once the room is open.
export function applyPeerBookingStatus(event, root = document) {
  if (!event || event.type !== "peer_booking.status") return 0;
  const id = String(event.booking_id);
  let changed = 0;
  root.querySelectorAll(`[data-peer-booking="${CSS.escape(id)}"]`).forEach((badge) => {
    badge.dataset.bookingStatus = event.status;
    if (badge.dataset.status !== undefined) badge.dataset.status = event.status;
    badge.dataset.liveStatus = event.live_status;
    badge.textContent = event.label;
    changed += 1;
  });
  if (event.room_url && event.room_url.startsWith("/rooms/")) {
    root.querySelectorAll(`[data-peer-room-link="${CSS.escape(id)}"]`).forEach((box) => {
      box.querySelector("a")?.setAttribute("href", event.room_url);
      box.hidden = false;
    });
  }
  return changed;
}

// The points balance in the peer navigation: `peer_points.balance` is pushed on every ledger
// entry of the user (booking, refund, reward, adjustment), to every tab.
export function applyPeerPointsBalance(event, root = document) {
  if (!event || event.type !== "peer_points.balance" || !Number.isInteger(event.balance)) return 0;
  const shown = root.querySelectorAll("[data-peer-points]");
  shown.forEach((element) => { element.textContent = String(event.balance); });
  return shown.length;
}

export function followPeerBookingStatus() {
  if (!document.querySelector("[data-peer-booking], [data-peer-points]")) return;
  document.addEventListener("prepforge:realtime", (e) => {
    applyPeerBookingStatus(e.detail);
    applyPeerPointsBalance(e.detail);
  });
}
