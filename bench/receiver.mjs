// A loopback OTLP/HTTP receiver in its own process (so its work is not charged to the app
// thread being measured): accepts POST /v1/traces and answers 200 `{}`. Prints its port.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
