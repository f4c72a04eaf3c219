// A second server process for the bus tests: echoes every message of channel "to-echo" back on
// "from-echo", tagged with its own process id. Prints "ready <processId>" once listening.
import { createPostgresBus, openPostgresDatabase } from "../../dist/index.js";

const url = process.argv[2];
const db = openPostgresDatabase(url, { maxConnections: 2 });
const bus = await createPostgresBus({ connectionString: url, db });
bus.subscribe("to-echo", (payload) => {
  void bus.publish("from-echo", { from: bus.processId, payload });
});
process.stdout.write(`ready ${bus.processId}\n`);
process.on("SIGTERM", async () => {
  await bus.close();
  await db.close();
  process.exit(0);
});
