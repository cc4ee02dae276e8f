// One room, three people, the official clients: yjs documents synchronised by y-websocket's own
// WebsocketProvider over `ws`. Driven by tests/interop/test_yjs_client.py, which asserts on what
// this prints (one JSON object on stdout); this script only acts and observes.
//
//   node room_session.mjs '{"serverUrl": "ws://127.0.0.1:PORT/ws/rooms/ID", "roomname": "doc",
//                           "tokens": ["<A>", "<B>", "<C>"]}'
//
// The story: A and B type at once; C joins late; B goes offline, edits, and comes back; A's
// network drops without a goodbye, and comes back later. Awareness (the cursors) is watched all along.

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const config = JSON.parse(process.argv[2])
const TEXT = 'code' // the Y.Text the room's editors bind to
const POLL_MS = 10
const started = performance.now()
const log = (...args) => console.error(`[${((performance.now() - started) / 1000).toFixed(2)}s]`, ...args)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Seeded, so a failure can be replayed with the same edits.
let seed = 0x2545f491
const random = () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5
  return ((seed >>> 0) % 1_000_000) / 1_000_000
}
// Multi-byte text on purpose: Yjs counts UTF-16 units, the server's pycrdt must agree.
const PIECES = ['a', 'bc', 'é', '→', '日本', '😀', ' ', '\n', 'def f():', 'ü']

/** Waits until `predicate()` holds; the milliseconds it took, or null after `timeoutMs`. */
async function waitFor (predicate, timeoutMs) {
  const from = performance.now()
  while (!predicate()) {
    if (performance.now() - from > timeoutMs) return null
    await sleep(POLL_MS)
  }
  return Math.round(performance.now() - from)
}

function person (name, token, color) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(config.serverUrl, config.roomname, doc, {
    WebSocketPolyfill: WebSocket,
    params: { access_token: token },
    // Providers in one process would otherwise sync through a BroadcastChannel, past the server.
    disableBc: true
  })
  provider.awareness.setLocalStateField('user', { name, color })
  const closes = []
  provider.on('connection-close', (event) => { if (event) closes.push(event.code) })
  return { name, doc, provider, text: doc.getText(TEXT), closes }
}

function moveCursor (p) {
  const index = p.text.length
  const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(p.text, index))
  p.provider.awareness.setLocalStateField('cursor', { anchor: position, head: position })
}

function typeRandomly (p) {
  const length = p.text.length
  if (length > 8 && random() < 0.2) {
    // Deleting whole UTF-16 units of one piece is beyond this script; delete one ASCII char.
    const at = p.text.toString().search(/[a-z]/)
    if (at >= 0) p.text.delete(at, 1)
  } else {
    // At a code point boundary, as an editor would: never inside an emoji's surrogate pair.
    const boundaries = [0]
    for (const char of p.text.toString()) boundaries.push(boundaries[boundaries.length - 1] + char.length)
    const at = boundaries[Math.floor(random() * boundaries.length)]
    p.text.insert(at, PIECES[Math.floor(random() * PIECES.length)])
  }
  moveCursor(p)
}

async function typeFor (p, edits, everyMs) {
  for (let i = 0; i < edits; i++) {
    typeRandomly(p)
    await sleep(everyMs)
  }
}

const synced = (p) => new Promise((resolve) => {
  if (p.provider.synced) resolve()
  else p.provider.once('sync', (state) => state && resolve())
})

/** True when `viewer` has `other`'s awareness state with its user (and, if asked, a cursor). */
const sees = (viewer, other, withCursor = false) => {
  const state = viewer.provider.awareness.getStates().get(other.doc.clientID)
  return Boolean(state && state.user && state.user.name === other.name && (!withCursor || state.cursor))
}
const forgot = (viewer, other) => !viewer.provider.awareness.getStates().has(other.doc.clientID)
const same = (...people) => people.every((p) => p.text.toString() === people[0].text.toString())

function watchRemovals (viewer) {
  const removed = []
  viewer.provider.awareness.on('change', ({ removed: ids }) => removed.push(...ids))
  return removed
}

function snapshot (p) {
  return {
    clientID: p.doc.clientID,
    text: p.text.toString(),
    update: Buffer.from(Y.encodeStateAsUpdate(p.doc)).toString('base64'),
    stateVector: Buffer.from(Y.encodeStateVector(p.doc)).toString('base64'),
    closeCodes: p.closes
  }
}

const out = { steps: {} }
const WAIT = config.waitMs ?? 5000 // how long to watch for something that should take ~1 s

// 1. A and B join and type at the same time.
const A = person('Ada', config.tokens[0], '#e11d48')
const B = person('Bob', config.tokens[1], '#2563eb')
await Promise.all([synced(A), synced(B)])
log('A and B synced')
await Promise.all([typeFor(B, 25, 12), sleep(30).then(() => typeFor(A, 30, 12))])
out.steps.concurrentConvergedMs = await waitFor(() => same(A, B) && A.text.length > 0, WAIT)
out.steps.afterConcurrent = { A: A.text.toString(), B: B.text.toString() }
log('concurrent edits converged in', out.steps.concurrentConvergedMs, 'ms')
await sleep(300)
// A clicks somewhere else: B's copy of A's cursor follows (y-websocket re-sends it), then all is still.
A.provider.awareness.setLocalStateField('cursor', null)
moveCursor(A)
out.steps.bSeesAMoveMs = await waitFor(() => sees(B, A, true), WAIT)
await sleep(300)

// 2. C joins late: the whole text at once, and the others' cursors within about a second.
const C = person('Cleo', config.tokens[2], '#16a34a')
const joinedAt = performance.now()
await synced(C)
out.steps.lateJoinerSyncedMs = Math.round(performance.now() - joinedAt)
out.steps.lateJoinerText = C.text.toString()
out.steps.lateJoinerTextMatchesA = C.text.toString() === A.text.toString()
out.steps.lateJoinerSeesA = await waitFor(() => sees(C, A, true), WAIT)
out.steps.lateJoinerSeesB = await waitFor(() => sees(C, B, true), WAIT)
out.steps.lateJoinerStates = [...C.provider.awareness.getStates().entries()].map(([id, s]) => ({ id, name: s.user?.name, cursor: Boolean(s.cursor) }))
log('late joiner sees A after', out.steps.lateJoinerSeesA, 'ms, B after', out.steps.lateJoinerSeesB, 'ms')

// 3. B goes offline (closes its socket as a page does), edits alone; A and C edit meanwhile.
B.provider.disconnect()
out.steps.cleanLeaveForgottenByA = await waitFor(() => forgot(A, B), WAIT)
out.steps.cleanLeaveForgottenByC = await waitFor(() => forgot(C, B), WAIT)
await Promise.all([typeFor(B, 15, 5), typeFor(A, 10, 10), typeFor(C, 10, 10)])
const offlineText = B.text.toString()
B.provider.connect()
await synced(B)
out.steps.reconnectConvergedMs = await waitFor(() => same(A, B, C), WAIT)
out.steps.offlineEditsKept = B.text.toString().length >= offlineText.length
out.steps.reconnectedSeenByA = await waitFor(() => sees(A, B), WAIT)
out.steps.reconnectedSeenByC = await waitFor(() => sees(C, B), WAIT)
log('reconnect converged in', out.steps.reconnectConvergedMs, 'ms')

// 4. Everyone types a little more; C moves its cursor last. Then A's network drops: no close
// frame, no awareness goodbye. The others must forget A's cursor soon, and only A's.
await Promise.all([typeFor(A, 5, 20), typeFor(B, 5, 20), typeFor(C, 6, 20)])
await waitFor(() => same(A, B, C), WAIT)
await sleep(300)
const removedAtB = watchRemovals(B)
const removedAtC = watchRemovals(C)
A.provider.shouldConnect = false // the laptop lid closed: it does not come back
A.provider.ws.terminate()
out.steps.droppedForgottenByB = await waitFor(() => forgot(B, A), WAIT)
out.steps.droppedForgottenByC = await waitFor(() => forgot(C, A), WAIT)
await sleep(200)
out.steps.wronglyRemovedAtB = removedAtB.filter((id) => id !== A.doc.clientID)
out.steps.wronglyRemovedAtC = removedAtC.filter((id) => id !== A.doc.clientID)
log('dropped A forgotten by B after', out.steps.droppedForgottenByB, 'ms, by C after', out.steps.droppedForgottenByC, 'ms')

// 5. B and C type on; A's network comes back and it catches up.
await Promise.all([typeFor(B, 5, 10), typeFor(C, 5, 10)])
A.provider.connect()
await synced(A)
out.steps.finalConvergedMs = await waitFor(() => same(A, B, C), WAIT)
out.people = { A: snapshot(A), B: snapshot(B), C: snapshot(C) }
for (const p of [A, B, C]) p.provider.destroy()

// 6. Once everyone has left, a fresh client reads what the server kept.
await sleep(300)
const auditor = person('Audit', config.tokens[0], '#000000')
auditor.provider.awareness.setLocalState(null)
await synced(auditor)
await sleep(200)
out.server = snapshot(auditor)
auditor.provider.destroy()
console.log(JSON.stringify(out))
process.exit(0)
