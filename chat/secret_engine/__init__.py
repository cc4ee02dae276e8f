"""The server's side of secret chats, with no Django inside: it never decrypts anything (it holds
no private key it could use), it only checks that what a client uploads has the shape the browser
protocol (static/src/chat/secret_crypto.js) produces, so that a broken or hostile client cannot
store garbage that the other side would choke on."""
