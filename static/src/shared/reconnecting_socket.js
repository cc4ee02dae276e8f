// A JSON WebSocket to one of our /ws/ paths that comes back after a dropped connection, with
// exponential backoff and jitter (so that a restarted server is not hit by everyone at once).
// The URL is asked for again at each attempt, so that a client can resume from what it has seen.
// Close codes 4401 (signed out) and 4403 (not yours) are final; so is whatever `shouldRetry`
// refuses.

const FINAL_CODES = new Set([4401, 4403]);

export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

/**
 * @param {object} options
 * @param {() => string} options.path            e.g. () => `/ws/notifications/?last_id=${lastId}`
 * @param {(event: object) => void} options.onEvent  each JSON message
 * @param {() => void} [options.onOpen]
 * @param {(close: CloseEvent, retrying: boolean) => void} [options.onClose]
 * @param {(close: CloseEvent) => boolean} [options.shouldRetry]
 * @param {number} [options.firstDelay]  ms before the first retry (doubles each time)
 * @param {number} [options.maxDelay]
 */
export function reconnectingSocket({ path, onEvent, onOpen = () => {}, onClose = () => {},
                                     shouldRetry = () => true, firstDelay = 500, maxDelay = 30_000 }) {
  let socket = null;
  let attempt = 0;
  let stopped = false;

  function connect() {
    if (stopped) return;
    const current = new WebSocket(socketUrl(path()));
    socket = current;
    current.addEventListener("open", () => {
      attempt = 0;
      onOpen();
    });
    current.addEventListener("message", (message) => {
      if (socket !== current) return; // a socket we gave up on
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        console.warn("Not JSON on", current.url);
        return;
      }
      onEvent(event);
    });
    current.addEventListener("close", (close) => {
      if (socket !== current) return;
      socket = null;
      const retrying = !stopped && !FINAL_CODES.has(close.code) && shouldRetry(close);
      onClose(close, retrying);
      if (!retrying) return;
      attempt += 1;
      const delay = Math.min(maxDelay, firstDelay * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  connect();
  return {
    get open() {
      return socket !== null && socket.readyState === WebSocket.OPEN;
    },
    /** Sends a JSON message; false when not connected right now. */
    send(message) {
      if (!this.open) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    /** Closes as a network failure would: it comes back. */
    drop() {
      socket?.close();
    },
    /** Closes for good. */
    stop() {
      stopped = true;
      socket?.close();
    },
  };
}
