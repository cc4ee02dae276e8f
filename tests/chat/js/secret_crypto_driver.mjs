// Runs the browser's secret-chat cryptography (static/src/chat/secret_crypto.js) under Node on
// what tests/chat/test_secret_crypto_node.py sends on stdin, and prints what it made or opened.
import { readFileSync } from "node:fs";
import { createIdentity, openMessage, safetyNumber, sealMessage, unwrapIdentity } from "../../../static/src/chat/secret_crypto.js";

const input = JSON.parse(readFileSync(0, "utf8"));
const out = {};
// A key wrapped by Python, opened here with the passphrase (and refused with another one).
const pythonWrapped = await unwrapIdentity(input.wrapped_by_python, input.passphrase);
out.wrong_passphrase_refused = await unwrapIdentity(input.wrapped_by_python, `${input.passphrase}!`).then(() => false, () => true);
// A message Python sealed for that key.
out.opened = await openMessage({ privateKey: pythonWrapped, ...input.sealed_by_python });
const tampered = { ...input.sealed_by_python, chatId: input.sealed_by_python.chatId + 1 };
out.moved_to_another_chat_refused = await openMessage({ privateKey: pythonWrapped, ...tampered }).then(() => false, () => true);
// A new identity of ours, for Python to unwrap, and a message sealed with it.
const mine = await createIdentity(input.passphrase);
out.identity = mine.publishable;
out.sealed = await sealMessage({ privateKey: mine.privateKey, peerPublicKey: input.python_public_key, text: input.text,
  chatId: 7, senderKeyId: 11, recipientKeyId: 12 });
// The safety number both ways round.
out.safety = [await safetyNumber(input.people[0], input.people[1]), await safetyNumber(input.people[1], input.people[0])];
process.stdout.write(JSON.stringify(out));
