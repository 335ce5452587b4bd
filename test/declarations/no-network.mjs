// Preload (node --import) that makes every outgoing connection fail loudly: TCP, TLS, UDP, DNS and fetch.
// Used to prove that `validate` works offline.
import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';

const refuse = (what) =>
  function () {
    process.stderr.write(`NETWORK ACCESS ATTEMPTED: ${what}\n`);
    process.exit(99);
  };
net.Socket.prototype.connect = refuse('net.Socket.connect');
dgram.Socket.prototype.send = refuse('dgram.send');
dns.lookup = refuse('dns.lookup');
dns.promises.lookup = refuse('dns.promises.lookup');
globalThis.fetch = refuse('fetch');
