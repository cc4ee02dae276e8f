// Load for tests/bench/test_room_capacity.py: y-websocket's own clients (yjs + WebsocketProvider
// over `ws`) typing into rooms, as people in a browser editor do: every insert moves the
// cursor, which y-codemirror.next publishes as awareness.
//
//   node room_load.mjs '<json config>'        (mode "load" or "audit")
//
// load: connects its clients, prints `READY`, waits for a line on stdin with the epoch ms at
// which to start, types `rate` inserts a second for `seconds`, waits until every client has
// seen every insert of its room (or `drainMs` passed), prints one JSON line of results, and
// exits when stdin gets `exit` (so that the server keeps the documents for the audit).
// audit: one fresh client per room, synced once; prints each room's text digest.
//
// Every insert carries its sender and send time (epoch ms, shared by processes on one machine);
// receivers record the arrival.

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'

const config = JSON.parse(process.argv[2])
const TEXT = 'code'
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const digest = (text) => createHash('sha256').update(text, 'utf8').digest('hex')
const lines = createInterface({ input: process.stdin })
const nextLine = () => new Promise((resolve) => lines.once('line', resolve))

const frames = { awareness: 0, sync: 0 }
// The provider sets onmessage; a second listener counts what arrives.
class CountingWebSocket extends WebSocket {
  constructor (...args) {
    super(...args)
    this.on('message', (data) => {
      const kind = new Uint8Array(data)[0]
      if (kind === 1) frames.awareness++
      else if (kind === 0) frames.sync++
    })
  }
}

function connect (client, { awareness = true } = {}) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(client.serverUrl, client.roomname, doc, {
    WebSocketPolyfill: CountingWebSocket,
    params: client.token ? { access_token: client.token } : {},
    disableBc: true // clients in one process must talk through the server
  })
  if (awareness) provider.awareness.setLocalStateField('user', { name: client.name, color: '#2563eb' })
  else provider.awareness.setLocalState(null)
  const closes = []
  provider.on('connection-close', (event) => { if (event && event.code >= 4000) closes.push(event.code) })
  const synced = new Promise((resolve) => {
    provider.on('sync', (state) => state && resolve())
  })
  return { ...client, doc, provider, text: doc.getText(TEXT), closes, synced }
}

async function syncedWithin (people, ms) {
  await Promise.race([Promise.all(people.map((p) => p.synced)), sleep(ms)])
}

if (config.mode === 'audit') {
  const rooms = config.rooms.map((room) => connect(room, { awareness: false }))
  await syncedWithin(rooms, 20000)
  await sleep(200)
  const out = {}
  for (const r of rooms) out[r.room] = { sha256: digest(r.text.toString()), length: r.text.length, synced: r.provider.synced }
  console.log(JSON.stringify(out))
  for (const r of rooms) r.provider.destroy()
  process.exit(0)
}

const { seconds, rate, drainMs, perRoom } = config
const inserts = Math.round(seconds * rate)
const people = config.clients.map((client) => {
  const p = connect(client)
  p.received = 0
  p.sent = 0
  p.latencies = []
  p.text.observe((event, transaction) => {
    if (transaction.local) return
    const arrived = now()
    for (const op of event.delta) {
      if (typeof op.insert !== 'string') continue
      for (const marker of op.insert.split(';')) {
        if (!marker) continue
        const [, , sentAt] = marker.split(':')
        p.received++
        p.latencies.push(Math.round((arrived - Number(sentAt)) * 100) / 100)
      }
    }
  })
  return p
})
await syncedWithin(people, 30000)
const notSynced = people.filter((p) => !p.provider.synced).length
console.log('READY')
const startAt = Number(await nextLine())

async function typist (p) {
  const every = 1000 / rate
  const phase = (p.index % perRoom) / perRoom * every // spread the room's typists over the beat
  for (let seq = 0; seq < inserts; seq++) {
    const due = startAt + phase + seq * every
    const wait = due - now()
    if (wait > 0) await sleep(wait)
    p.text.insert(p.text.length, `${p.index}:${seq}:${now().toFixed(2)};`)
    p.sent++
    if (!config.cursors) continue
    const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(p.text, p.text.length))
    p.provider.awareness.setLocalStateField('cursor', { anchor: position, head: position })
  }
}

// How late this process's own timers fire: when it is large, the clients set the pace.
const lags = []
let tick = now()
const lagTimer = setInterval(() => {
  const at = now()
  lags.push(Math.max(0, at - tick - 20))
  tick = at
}, 20)
await Promise.all(people.map(typist))
const expected = (perRoom - 1) * inserts
const drainFrom = now()
while (people.some((p) => p.received < expected) && now() - drainFrom < drainMs) await sleep(20)

clearInterval(lagTimer)
lags.sort((a, b) => a - b)
const rooms = {}
for (const p of people) (rooms[p.room] ||= []).push({ sha256: digest(p.text.toString()), length: p.text.length })
console.log(JSON.stringify({
  sent: people.reduce((n, p) => n + p.sent, 0),
  received: people.reduce((n, p) => n + p.received, 0),
  expected: expected * people.length,
  latencies: people.flatMap((p) => p.latencies),
  frames,
  notSynced,
  closes: people.flatMap((p) => p.closes),
  drainMs: Math.round(now() - drainFrom),
  loopLagP99: lags.length ? Math.round(lags[Math.floor(lags.length * 0.99)]) : 0,
  rooms
}))
await nextLine()
for (const p of people) p.provider.destroy()
process.exit(0)
