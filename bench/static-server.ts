// The ceiling for the article page: a bare node:http server answering every request with the same
// HTML bytes from memory. `tsx bench/static-server.ts <file> <port>`; prints "ready" once listening.
import fs from "node:fs";
import http from "node:http";

const [file, port] = process.argv.slice(2);
const html = fs.readFileSync(file);
http
  .createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": html.length });
    response.end(html);
  })
  .listen(Number(port), "127.0.0.1", () => console.log("ready"));
